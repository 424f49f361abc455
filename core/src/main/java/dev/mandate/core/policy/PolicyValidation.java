package dev.mandate.core.policy;

import dev.mandate.cedar.Policy;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.validation.ValidationError;
import dev.mandate.cedar.validation.ValidationMode;
import dev.mandate.cedar.validation.Validator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Type-checks one policy file against a {@link PolicySchema} in strict mode and turns the validator's errors into
 * {@code file:line:column: policy <id>: [rule] message} lines, leaving out the policies that name an action of a
 * server that has not listed its tools (they are checked when its tool list arrives).
 */
final class PolicyValidation {
    /** The most validation errors one load reports; the count of the rest is given. */
    static final int MAX_REPORTED = 20;

    private static final String UNRECOGNIZED_ACTION = "unrecognized-action-id";
    // The validator names the action as Action::"<id>"; the id's first segment is the upstream (ToolName).
    private static final Pattern ACTION = Pattern.compile("Action::\"([^\"]*)\"");

    private PolicyValidation() {}

    /** One error of one file, positioned in that file. */
    record Problem(String file, int line, int column, String policyId, String code, String message) {
        String render() {
            return file + ":" + line + ":" + column + ": policy " + policyId + ": [" + code + "] " + message;
        }
    }

    /**
     * Validates one file's policies.
     *
     * @param file the file name
     * @param text the file's text
     * @param set the file's policies, parsed from the file alone
     * @param ids Mandate's id of each policy of {@code set}, in order
     * @param schema the schema
     * @param out where problems are added
     */
    static void check(
            String file, String text, PolicySet set, List<String> ids, PolicySchema schema, List<Problem> out) {
        Map<String, String> byEngineId = new HashMap<>();
        int i = 0;
        for (Policy p : set.policies()) {
            byEngineId.put(p.id(), ids.get(i++));
        }
        // From the text, so that each error is positioned at the expression at fault; ids match PolicySet.parse's.
        List<ValidationError> errors =
                Validator.validate(schema.schema(), text, ValidationMode.STRICT).errors();
        // A policy naming an action of a server that has not listed its tools cannot be typed yet (its other errors
        // follow from the unknown action): all of its errors wait for that server's tool list.
        Set<String> waiting = new HashSet<>();
        for (ValidationError e : errors) {
            if (deferred(e, schema)) {
                waiting.add(e.policyId());
            }
        }
        for (ValidationError e : errors) {
            if (waiting.contains(e.policyId())) {
                continue;
            }
            out.add(new Problem(
                    file,
                    e.line(),
                    e.column(),
                    byEngineId.getOrDefault(e.policyId(), e.policyId()),
                    e.code(),
                    e.message()));
        }
    }

    /** An unknown action of a server whose tool list has not arrived: checked again when it does. */
    private static boolean deferred(ValidationError e, PolicySchema schema) {
        if (!e.code().equals(UNRECOGNIZED_ACTION)) {
            return false;
        }
        Matcher m = ACTION.matcher(e.message());
        if (!m.find()) {
            return false;
        }
        String server = server(m.group(1));
        return server != null && !schema.listedServers().contains(server);
    }

    private static @Nullable String server(String action) {
        int dot = action.indexOf('.');
        return dot <= 0 ? null : action.substring(0, dot);
    }

    /**
     * Throws when there are problems: the first one's position, every reported one in the message.
     *
     * @param problems the problems of the whole set
     * @throws PolicyLoadException when there is any
     */
    static void throwIfAny(List<Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        Problem first = problems.get(0);
        StringBuilder detail = new StringBuilder();
        detail.append("policy ")
                .append(first.policyId())
                .append(": [")
                .append(first.code())
                .append("] ")
                .append(first.message());
        List<Problem> more = new ArrayList<>(problems.subList(1, Math.min(problems.size(), MAX_REPORTED)));
        for (Problem p : more) {
            detail.append('\n').append(p.render());
        }
        if (problems.size() > MAX_REPORTED) {
            detail.append("\n... and ")
                    .append(problems.size() - MAX_REPORTED)
                    .append(" more (PolicyValidation.MAX_REPORTED = ")
                    .append(MAX_REPORTED)
                    .append(')');
        }
        detail.append("\n(")
                .append(problems.size())
                .append(problems.size() == 1 ? " validation error" : " validation errors")
                .append(" against Mandate's schema; `mandate schema` prints it)");
        throw new PolicyLoadException(first.file(), first.line(), first.column(), detail.toString());
    }
}

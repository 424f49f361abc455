package dev.mandate.cedar.validation;

import dev.mandate.cedar.Limits;
import dev.mandate.cedar.Policy;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.internal.ast.Expr;
import dev.mandate.cedar.internal.ast.PolicyAst;
import dev.mandate.cedar.internal.ast.PolicyAsts;
import dev.mandate.cedar.internal.parse.Parser;
import dev.mandate.cedar.schema.Schema;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/** Validates Cedar policies against a schema with the reference validator's rules. Stateless and thread-safe. */
public final class Validator {
    private Validator() {}

    /**
     * Validates in {@link ValidationMode#STRICT} mode.
     *
     * @param schema the schema
     * @param policies the policies; templates are checked with their slots, links are skipped (their template
     *     is checked)
     * @return every problem found
     */
    public static ValidationResult validate(Schema schema, PolicySet policies) {
        return validate(schema, policies, ValidationMode.STRICT);
    }

    /**
     * Validates every policy and template of a set.
     *
     * @param schema the schema
     * @param policies the policies; links are skipped (their template is checked)
     * @param mode strict or permissive typing
     * @return every problem found
     */
    public static ValidationResult validate(Schema schema, PolicySet policies, ValidationMode mode) {
        List<ValidationError> errors = new ArrayList<>();
        for (Policy p : policies.policies()) {
            if (p.templateId() != null) {
                continue;
            }
            errors.addAll(new Typechecker(schema, mode, p.id(), PolicyAsts.of(p)).check());
        }
        return new ValidationResult(errors);
    }

    /**
     * Parses policy text and validates it, positioning each error at the expression at fault (the policy's start for
     * errors in its scope). Policies get the ids {@link PolicySet#parse(String)} gives: {@code policy0},
     * {@code policy1}, ... in written order.
     *
     * @param schema the schema
     * @param text zero or more policies and templates
     * @param mode strict or permissive typing
     * @return every problem found, with line and column in {@code text}
     * @throws dev.mandate.cedar.CedarParseException when the text does not parse
     */
    public static ValidationResult validate(Schema schema, String text, ValidationMode mode) {
        IdentityHashMap<Expr, Long> positions = new IdentityHashMap<>();
        List<PolicyAst> asts = Parser.parsePolicies(text, Limits.DEFAULTS, positions);
        List<ValidationError> errors = new ArrayList<>();
        for (int i = 0; i < asts.size(); i++) {
            errors.addAll(new Typechecker(schema, mode, "policy" + i, asts.get(i), positions).check());
        }
        return new ValidationResult(errors);
    }
}

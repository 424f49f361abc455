package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what a {@code @redact} path selects from a result, in place. Paths are a small JSONPath subset:
 * {@code $} followed by {@code .name}, {@code [n]} and {@code [*]} steps; the last step is what is removed.
 */
final class Redactor {
    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_$-]+)|\\[(\\*|\\d+)]");

    private Redactor() {}

    static void redact(JsonNode root, String path) {
        List<String> steps = parse(path);
        remove(root, steps, 0);
    }

    private static List<String> parse(String path) {
        List<String> steps = new ArrayList<>();
        Matcher m = STEP.matcher(path);
        int at = 1;
        while (at < path.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST,
                        "redact path '" + path + "' has an unsupported step at character " + at
                                + "; use .name, [n] or [*]");
            }
            steps.add(m.group(1) != null ? "." + m.group(1) : "[" + m.group(2));
            at = m.end();
        }
        return steps;
    }

    private static void remove(JsonNode node, List<String> steps, int i) {
        String step = steps.get(i);
        boolean last = i == steps.size() - 1;
        if (step.startsWith(".")) {
            if (!(node instanceof ObjectNode object)) {
                return;
            }
            String field = step.substring(1);
            if (last) {
                object.remove(field);
            } else if (object.has(field)) {
                remove(object.get(field), steps, i + 1);
            }
            return;
        }
        if (!(node instanceof ArrayNode array)) {
            return;
        }
        String index = step.substring(1);
        if (index.equals("*")) {
            if (last) {
                array.removeAll();
            } else {
                array.forEach(element -> remove(element, steps, i + 1));
            }
            return;
        }
        int n = Integer.parseInt(index);
        if (n >= array.size()) {
            return;
        }
        if (last) {
            array.remove(n);
        } else {
            remove(array.get(n), steps, i + 1);
        }
    }
}

package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A JSON request body read field by field, so that every bad field is answered with {@code bad-request} naming it,
 * and unknown fields are refused rather than ignored.
 */
final class JsonBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    static JsonBody of(Context ctx, Set<String> allowed) {
        JsonNode node;
        try {
            String body = ctx.body();
            node = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw bad("the request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw bad("the request body must be a JSON object");
        }
        for (String name : (Iterable<String>) node::fieldNames) {
            if (!allowed.contains(name)) {
                throw bad("unknown field '" + name + "'; accepted fields: " + String.join(", ", allowed));
            }
        }
        return new JsonBody(node);
    }

    boolean has(String field) {
        return node.has(field);
    }

    boolean isNull(String field) {
        return node.has(field) && node.get(field).isNull();
    }

    String text(String field) {
        String value = optionalText(field);
        if (value == null) {
            throw bad("field '" + field + "' is required");
        }
        return value;
    }

    @Nullable
    String optionalText(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    @Nullable
    Set<String> optionalWords(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw bad("field '" + field + "' must be an array of strings");
        }
        Set<String> words = new LinkedHashSet<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw bad("field '" + field + "' must be an array of strings");
            }
            words.add(item.asText());
        }
        return words;
    }

    static MandateException bad(String message) {
        return new MandateException(ErrorCode.BAD_REQUEST, message);
    }
}

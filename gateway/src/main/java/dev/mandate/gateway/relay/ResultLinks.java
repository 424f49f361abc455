package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Gives the resources that a {@code tools/call} or {@code prompts/get} result names the URIs an agent reads them by:
 * a {@code resource_link} content item, an embedded {@code resource}, or an object with a string {@code uri} member
 * anywhere in {@code structuredContent}, whose URI a bare read would not route to the upstream that answered (see
 * {@link ResourceRoutes#namespacedIn}) gets the name {@code mandate://<server>/<uri>}, so the agent can follow it;
 * every other URI is left as the upstream wrote it.
 *
 * <p>Runs on the result the pipeline returns, after {@link ResultItems} has held its items to the clearance by the
 * upstream's own URIs and catalog entries. In {@code structuredContent} only the {@code uri} member's value changes
 * (a string stays a string, so the output schema still holds unless it constrains the URI's form); the text of a
 * result, which often repeats the structured content, cannot be renamed.
 */
final class ResultLinks {
    private ResultLinks() {}

    /**
     * Renames, in place, the URIs of the result's resource links and embedded resources that {@code namespaced}
     * picks.
     *
     * @param result a {@code tools/call} or {@code prompts/get} result
     * @param server the upstream that answered
     * @param namespaced given the URIs the result names, returns those the agent sees under {@code server}'s
     *     namespace; not called if the result names none
     */
    static void rename(JsonNode result, String server, Function<Set<String>, Set<String>> namespaced) {
        Map<String, List<ObjectNode>> named = new LinkedHashMap<>();
        for (JsonNode item : result.path("content")) {
            collect(item, named);
        }
        for (JsonNode message : result.path("messages")) {
            collect(message.path("content"), named);
        }
        collectStructured(result.path("structuredContent"), named);
        if (named.isEmpty()) {
            return;
        }
        for (String uri : namespaced.apply(named.keySet())) {
            String agentUri = ResourceRoutes.namespaced(server, uri);
            for (ObjectNode holder : named.getOrDefault(uri, List.of())) {
                holder.put("uri", agentUri);
            }
        }
    }

    /**
     * Every object with a non-empty string {@code uri} in the tool's structured content, at any depth; walked with a
     * stack, as its depth is the upstream's choice (bounded by the parser's nesting limit).
     */
    private static void collectStructured(JsonNode structured, Map<String, List<ObjectNode>> named) {
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>();
        todo.push(structured);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            JsonNode uri = node instanceof ObjectNode ? node.get("uri") : null;
            if (node instanceof ObjectNode o
                    && uri != null
                    && uri.isTextual()
                    && !uri.asText().isEmpty()) {
                named.computeIfAbsent(uri.asText(), u -> new ArrayList<>()).add(o);
            }
            if (node.isContainerNode()) {
                node.forEach(todo::push);
            }
        }
    }

    private static void collect(JsonNode item, Map<String, List<ObjectNode>> named) {
        @Nullable
        ObjectNode holder = switch (item.path("type").asText("")) {
            case "resource_link" -> item instanceof ObjectNode o ? o : null;
            case "resource" -> item.get("resource") instanceof ObjectNode o ? o : null;
            default -> null;
        };
        String uri = holder == null ? "" : holder.path("uri").asText("");
        if (holder != null && holder.path("uri").isTextual() && !uri.isEmpty()) {
            named.computeIfAbsent(uri, u -> new ArrayList<>()).add(holder);
        }
    }
}

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
 * a {@code resource_link} content item or an embedded {@code resource} whose URI is namespaced in listings
 * ({@code mandate://<server>/<uri>}, see {@link ResourceRoutes}) gets that name, so the agent can follow it; every
 * other URI is left as the upstream wrote it.
 *
 * <p>Runs on the result the pipeline returns, after {@link ResultItems} has held its items to the clearance by the
 * upstream's own URIs and catalog entries. Only content items are renamed (a tool result's {@code content}, a prompt
 * message's {@code content}); {@code structuredContent} is the tool's own data, shaped by its output schema, and is
 * left as it is.
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

package dev.mandate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.flow.FlowLabels;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the gateway knows about one call when it asks for a decision, in the shape the Cedar mapping needs:
 * principal = the caller's agent, action = {@link #action} in {@link #actionGroups}, resource = the upstream server,
 * context = {@link #input}, {@link #flow}, the catalog facts and the mandate.
 *
 * @param caller who calls, under which mandate
 * @param method the MCP method: {@code tools/call}, {@code resources/read} or {@code prompts/get}
 * @param action the namespaced name the agent used: {@code <server>.<tool>}, {@code <server>.<prompt>}, or the
 *     resource URI
 * @param target the catalog key of what is called
 * @param entry its catalog entry (configured, hint-seeded or most restrictive)
 * @param actionGroups the action groups its labels put it in
 * @param flow the mandate's flow labels before this call
 * @param input the call's arguments (an empty object when listing or when there are none)
 * @param selected the arguments the catalog exposes to policy, by field name
 * @param argumentDigest {@code sha256:<hex>} of the canonical JSON of {@link #input}, as the audit log records it
 * @param listing true when the gateway only asks whether the call could be allowed, to filter a list; then
 *     {@link #input} is empty and an {@link Decision.ApprovalRequired} counts as could-be-allowed
 * @param at when the request arrived
 */
public record DecisionRequest(
        CallerContext caller,
        String method,
        String action,
        CatalogKey target,
        CatalogEntry entry,
        List<String> actionGroups,
        FlowLabels flow,
        JsonNode input,
        Map<String, JsonNode> selected,
        String argumentDigest,
        boolean listing,
        Instant at) {
    /** Copies the collections. */
    public DecisionRequest {
        Objects.requireNonNull(caller, "caller");
        actionGroups = List.copyOf(actionGroups);
        selected = Map.copyOf(selected);
    }
}

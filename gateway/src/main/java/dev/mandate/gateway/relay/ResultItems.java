package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.Sensitivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Labels the items of one result by the resources they name, and removes, in place, the items labelled above the
 * caller's clearance.
 *
 * <p>An item is any JSON object in the result with a string {@code uri} member — a {@code resource_link}, the
 * {@code resource} of an embedded resource, an entry of {@code resources/read} {@code contents}, or an object in
 * {@code structuredContent}. Its labels are those of the catalog entry configured for that URI on the same upstream
 * (exact or template); a URI the catalog does not configure is covered by the labels of the call that returned it,
 * which the whole result was already held to. A withheld item is removed from the array that holds it; an embedded
 * resource takes its content entry with it (an entry without its resource would be malformed); an item that is a member
 * of an object, not an array element, is removed as that member. The agent is not told how many items were withheld:
 * the count and what they were labelled would tell it about data its principal may not read; the audit event records
 * them.
 */
final class ResultItems {
    /** The most withheld URIs kept for the audit event. */
    static final int MAX_RECORDED = 20;

    /**
     * What filtering found.
     *
     * @param passed the join of the labels of the configured items that passed
     * @param withheld how many items were removed
     * @param withheldLabels the join of the labels of the removed items
     * @param withheldUris the first {@value #MAX_RECORDED} removed URIs, sorted, for the audit event
     */
    record Outcome(FlowLabels passed, int withheld, FlowLabels withheldLabels, List<String> withheldUris) {}

    private final Catalog catalog;
    private final String server;
    private final @Nullable Sensitivity clearance;
    private FlowLabels passed = FlowLabels.NONE;
    private FlowLabels withheldLabels = FlowLabels.NONE;
    private int withheld;
    private final TreeSet<String> withheldUris = new TreeSet<>();

    private ResultItems(Catalog catalog, String server, @Nullable Sensitivity clearance) {
        this.catalog = catalog;
        this.server = server;
        this.clearance = clearance;
    }

    /**
     * Labels and filters a result in place.
     *
     * @param result the upstream's result, modified in place
     * @param catalog the catalog
     * @param server the upstream that answered
     * @param clearance the caller's clearance, or null for none
     * @return what passed and what was withheld
     */
    static Outcome filter(JsonNode result, Catalog catalog, String server, @Nullable Sensitivity clearance) {
        ResultItems items = new ResultItems(catalog, server, clearance);
        items.walk(result);
        return new Outcome(items.passed, items.withheld, items.withheldLabels, List.copyOf(items.withheldUris));
    }

    private void walk(JsonNode node) {
        if (node instanceof ArrayNode array) {
            for (int i = array.size() - 1; i >= 0; i--) {
                JsonNode element = array.get(i);
                if (element instanceof ObjectNode object && withholds(object)) {
                    array.remove(i);
                } else {
                    walk(element);
                }
            }
        } else if (node instanceof ObjectNode object) {
            List<String> remove = new ArrayList<>();
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                JsonNode value = member.getValue();
                if (value instanceof ObjectNode child && withholds(child)) {
                    remove.add(member.getKey());
                } else {
                    walk(value);
                }
            }
            object.remove(remove);
        }
    }

    /** Whether the object names a resource above the clearance, itself or as its embedded {@code resource}. */
    private boolean withholds(ObjectNode object) {
        if (above(object)) {
            return true;
        }
        return object.get("resource") instanceof ObjectNode embedded && above(embedded);
    }

    private boolean above(ObjectNode object) {
        JsonNode uri = object.get("uri");
        if (uri == null || !uri.isTextual()) {
            return false;
        }
        CatalogEntry entry = catalog.resource(server, uri.asText());
        if (entry == null) {
            return false;
        }
        FlowLabels labels = entry.resultLabels();
        Sensitivity c = clearance;
        if (c != null && labels.sensitivity().compareTo(c) > 0) {
            withheld++;
            withheldLabels = withheldLabels.join(labels);
            if (withheldUris.size() < MAX_RECORDED) {
                withheldUris.add(uri.asText());
            }
            return true;
        }
        passed = passed.join(labels);
        return false;
    }
}

package dev.mandate.gateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.ToolHints;
import dev.mandate.core.policy.PolicySchema;
import dev.mandate.core.policy.SchemaGenerator;
import dev.mandate.core.policy.ToolSignature;
import dev.mandate.gateway.ToolName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway knows of its upstreams' tools, for the Cedar schema and the decider: each listed tool as a
 * {@link ToolSignature} ({@code Action::"<server>.<tool>"}, its catalog entry, {@code context.input} typed from its
 * {@code inputSchema}), and which configured upstreams have not listed their tools yet. The relay reports every
 * {@code tools/list} it fetches (at start, for an agent, after a {@code list_changed}); listeners hear when a server's
 * tools changed. Thread-safe.
 */
public final class UpstreamTools {
    /** The most tools remembered per upstream; the rest are left out of the schema (and typed as unknown). */
    public static final int MAX_TOOLS_PER_SERVER = 10_000;

    private final Catalog catalog;
    private final Set<String> servers;
    private final Map<String, List<ToolSignature>> listed = new TreeMap<>();
    private volatile Map<String, RecordType> inputTypes = Map.of();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates the index.
     *
     * @param catalog the gateway's catalog
     * @param servers the configured upstreams' names; all are pending until they list their tools
     */
    public UpstreamTools(Catalog catalog, Collection<String> servers) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.servers = Set.copyOf(servers);
    }

    /**
     * Adds a listener told (on the reporting thread, after the change) when a server's tool signatures changed.
     *
     * @param listener the listener; it should hand long work to its own thread
     */
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Records a server's full tool list, as {@code tools/list} gave it.
     *
     * @param server the upstream's name
     * @param tools the tools, each with {@code name}, {@code inputSchema} and {@code annotations}
     */
    public void listed(String server, List<JsonNode> tools) {
        List<ToolSignature> signatures = new ArrayList<>();
        for (JsonNode tool : tools) {
            if (signatures.size() >= MAX_TOOLS_PER_SERVER) {
                break;
            }
            String name = tool.path("name").asText("");
            ToolName namespaced;
            try {
                namespaced = new ToolName(server, name);
            } catch (RuntimeException e) {
                continue; // the relay hides tools with unusable names too
            }
            CatalogEntry entry = catalog.tool(server, name, hints(tool));
            signatures.add(new ToolSignature(
                    "tools/call",
                    namespaced.toString(),
                    server,
                    entry,
                    CedarInput.inputType(tool.path("inputSchema"))));
        }
        boolean changed;
        synchronized (this) {
            List<ToolSignature> before = listed.put(server, List.copyOf(signatures));
            changed = !signatures.equals(before);
            if (changed) {
                Map<String, RecordType> types = new HashMap<>();
                listed.values()
                        .forEach(list -> list.forEach(s -> {
                            RecordType t = s.input();
                            if (t != null) {
                                types.put(s.action(), t);
                            }
                        }));
                inputTypes = Map.copyOf(types);
            }
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    /**
     * Returns the input type of a tool by its action id, for {@link CedarCallDecider}.
     *
     * @param action {@code <server>.<tool>}
     * @return the type of its arguments, or null when the tool is not listed or has no object {@code inputSchema}
     */
    public @Nullable RecordType inputType(String action) {
        return inputTypes.get(action);
    }

    /**
     * Returns every known signature: the listed tools, and the configured resources and prompts (with no input type).
     *
     * @return the signatures, sorted by server
     */
    public synchronized List<ToolSignature> signatures() {
        List<ToolSignature> out = new ArrayList<>();
        listed.values().forEach(out::addAll);
        for (Map.Entry<CatalogKey, CatalogEntry> e :
                catalogOrder(catalog.configured()).values()) {
            CatalogKey key = e.getKey();
            switch (key.kind()) {
                case TOOL -> {} // a tool's signature comes from its server's list
                case RESOURCE ->
                    out.add(new ToolSignature("resources/read", key.name(), key.server(), e.getValue(), null));
                case PROMPT ->
                    out.add(new ToolSignature(
                            "prompts/get", key.server() + "." + key.name(), key.server(), e.getValue(), null));
            }
        }
        return out;
    }

    /**
     * Returns the configured upstreams that have not listed their tools yet.
     *
     * @return the pending servers
     */
    public synchronized Set<String> pendingServers() {
        TreeSet<String> pending = new TreeSet<>(servers);
        pending.removeAll(listed.keySet());
        return pending;
    }

    /**
     * Returns the schema policies are validated against now: the known signatures, the action groups of every
     * configured catalog entry, the servers that listed their tools, and the pending ones.
     *
     * @return the schema
     */
    public PolicySchema policySchema() {
        TreeSet<String> groups = new TreeSet<>();
        catalog.configured().values().forEach(e -> groups.addAll(e.actionGroups()));
        List<ToolSignature> signatures;
        Set<String> listedServers;
        Set<String> pending;
        synchronized (this) {
            signatures = signatures();
            listedServers = Set.copyOf(listed.keySet());
            pending = pendingServers();
        }
        return new PolicySchema(SchemaGenerator.generate(signatures, groups), listedServers, pending);
    }

    /**
     * Reads a tool's annotations as hints.
     *
     * @param tool the tool as {@code tools/list} gave it
     * @return its hints
     */
    public static ToolHints hints(JsonNode tool) {
        JsonNode a = tool.path("annotations");
        return new ToolHints(bool(a, "readOnlyHint"), bool(a, "destructiveHint"), bool(a, "openWorldHint"));
    }

    private static @Nullable Boolean bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return (v == null || !v.isBoolean()) ? null : v.booleanValue();
    }

    private static Map<String, Map.Entry<CatalogKey, CatalogEntry>> catalogOrder(Map<CatalogKey, CatalogEntry> m) {
        Map<String, Map.Entry<CatalogKey, CatalogEntry>> out = new TreeMap<>();
        m.entrySet()
                .forEach(e -> out.put(
                        e.getKey().kind() + "\u0000" + e.getKey().server() + "\u0000"
                                + e.getKey().name(),
                        e));
        return out;
    }
}

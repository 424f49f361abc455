package dev.mandate.core.catalog;

import java.util.Map;
import java.util.Set;

/**
 * The gateway's catalog: configured entries, and the rule for everything else. A configured entry always wins; an
 * unconfigured tool of a trusted upstream is seeded from its hints; every other unconfigured entry is
 * {@link CatalogEntry#MOST_RESTRICTIVE}. Immutable and thread-safe.
 */
public final class Catalog {
    /** A catalog that describes nothing and trusts no upstream. */
    public static final Catalog EMPTY = new Catalog(Map.of(), Set.of());

    private final Map<CatalogKey, CatalogEntry> configured;
    private final Set<String> trustedServers;

    /**
     * Creates a catalog.
     *
     * @param configured the configured entries
     * @param trustedServers the upstreams whose tool hints may seed defaults
     */
    public Catalog(Map<CatalogKey, CatalogEntry> configured, Set<String> trustedServers) {
        this.configured = Map.copyOf(configured);
        this.trustedServers = Set.copyOf(trustedServers);
    }

    /**
     * Describes a tool.
     *
     * @param server the upstream's name
     * @param tool the upstream's name for the tool
     * @param hints the hints the upstream gave in {@code tools/list}
     * @return the configured, hint-seeded, or most restrictive entry
     */
    public CatalogEntry tool(String server, String tool, ToolHints hints) {
        CatalogEntry entry = configured.get(new CatalogKey(CatalogKind.TOOL, server, tool));
        if (entry != null) {
            return entry;
        }
        return trustedServers.contains(server) ? CatalogEntry.fromTrustedHints(hints) : CatalogEntry.MOST_RESTRICTIVE;
    }

    /**
     * Describes a resource or prompt (they have no hints to seed from).
     *
     * @param kind {@link CatalogKind#RESOURCE} or {@link CatalogKind#PROMPT}
     * @param server the upstream's name
     * @param name the resource URI or prompt name
     * @return the configured or most restrictive entry
     */
    public CatalogEntry entry(CatalogKind kind, String server, String name) {
        if (kind == CatalogKind.TOOL) {
            return tool(server, name, ToolHints.NONE);
        }
        return configured.getOrDefault(new CatalogKey(kind, server, name), CatalogEntry.MOST_RESTRICTIVE);
    }

    /**
     * Returns the configured entries (the schema declares their action groups, and their resources and prompts, before
     * any upstream has listed anything).
     *
     * @return the configured entries by key
     */
    public Map<CatalogKey, CatalogEntry> configured() {
        return configured;
    }

    /**
     * Whether the configuration trusts this upstream's hints.
     *
     * @param server the upstream's name
     * @return true if trusted
     */
    public boolean trusts(String server) {
        return trustedServers.contains(server);
    }
}

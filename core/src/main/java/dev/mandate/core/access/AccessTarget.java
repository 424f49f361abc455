package dev.mandate.core.access;

import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.CatalogKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something an agent may be allowed to use: a catalogued tool, resource or prompt, named as the gateway names its
 * Cedar action.
 *
 * @param kind tool, resource or prompt
 * @param server the upstream server
 * @param name the tool or prompt name, or the resource URI
 * @param entry its catalog labels
 */
public record AccessTarget(CatalogKind kind, String server, String name, CatalogEntry entry) {
    /** Checks the parts are present. */
    public AccessTarget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(entry, "entry");
    }

    /**
     * Returns every target the catalog configures, sorted by action.
     *
     * @param catalog the catalog
     * @return the targets
     */
    public static List<AccessTarget> of(Catalog catalog) {
        List<AccessTarget> out = new ArrayList<>();
        for (Map.Entry<CatalogKey, CatalogEntry> e : catalog.configured().entrySet()) {
            CatalogKey k = e.getKey();
            out.add(new AccessTarget(k.kind(), k.server(), k.name(), e.getValue()));
        }
        out.sort(Comparator.comparing(AccessTarget::action).thenComparing(AccessTarget::server));
        return List.copyOf(out);
    }

    /**
     * Returns the Cedar action the gateway decides: {@code <server>.<tool>}, {@code <server>.<prompt>}, or the
     * resource URI.
     *
     * @return the action id
     */
    public String action() {
        return kind == CatalogKind.RESOURCE ? name : server + "." + name;
    }

    /**
     * Returns the MCP method that uses this target.
     *
     * @return {@code tools/call}, {@code resources/read} or {@code prompts/get}
     */
    public String method() {
        return switch (kind) {
            case TOOL -> "tools/call";
            case RESOURCE -> "resources/read";
            case PROMPT -> "prompts/get";
        };
    }

    /**
     * Tells whether a query names this target: its action, its server, or {@code <server>.<name>}.
     *
     * @param query a tool, server or resource name
     * @return true if it matches
     */
    public boolean matches(String query) {
        return query.equals(action()) || query.equals(server) || query.equals(server + "." + name);
    }
}

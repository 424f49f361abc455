package dev.mandate.core.catalog;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's catalog: configured entries, and the rule for everything else. A configured entry always wins; an
 * unconfigured tool of a trusted upstream is seeded from its hints; every other unconfigured entry is
 * {@link CatalogEntry#MOST_RESTRICTIVE}. Immutable and thread-safe.
 *
 * <p>A configured resource name with a {@code {variable}} in it is a URI template (RFC 6570 style): {@code {name}}
 * matches one or more characters other than {@code /}, {@code {+name}} one or more of any. A URI configured exactly
 * wins over templates; among matching templates the one with the most literal characters wins (ties: the one first in
 * text order), so {@code docs://restricted/{+path}} labels what {@code docs://{+path}} would not.
 */
public final class Catalog {
    /** A catalog that describes nothing and trusts no upstream. */
    public static final Catalog EMPTY = new Catalog(Map.of(), Set.of());

    private final Map<CatalogKey, CatalogEntry> configured;
    private final Set<String> trustedServers;
    private final Map<String, List<UriTemplate>> templates;
    private final Set<String> serversWithResources;

    /** A configured resource template, compiled. */
    private record UriTemplate(String text, Pattern pattern, int literals, CatalogEntry entry) {}

    /**
     * Creates a catalog.
     *
     * @param configured the configured entries
     * @param trustedServers the upstreams whose tool hints may seed defaults
     */
    public Catalog(Map<CatalogKey, CatalogEntry> configured, Set<String> trustedServers) {
        this.configured = Map.copyOf(configured);
        this.trustedServers = Set.copyOf(trustedServers);
        Map<String, List<UriTemplate>> byServer = new HashMap<>();
        Set<String> withResources = new HashSet<>();
        for (Map.Entry<CatalogKey, CatalogEntry> e : this.configured.entrySet()) {
            CatalogKey key = e.getKey();
            if (key.kind() != CatalogKind.RESOURCE) {
                continue;
            }
            withResources.add(key.server());
            if (key.name().indexOf('{') >= 0) {
                byServer.computeIfAbsent(key.server(), s -> new ArrayList<>()).add(compile(key.name(), e.getValue()));
            }
        }
        byServer.values()
                .forEach(list -> list.sort(Comparator.comparingInt(UriTemplate::literals)
                        .reversed()
                        .thenComparing(UriTemplate::text)));
        Map<String, List<UriTemplate>> frozen = new HashMap<>();
        byServer.forEach((server, list) -> frozen.put(server, List.copyOf(list)));
        this.templates = Map.copyOf(frozen);
        this.serversWithResources = Set.copyOf(withResources);
    }

    private static UriTemplate compile(String template, CatalogEntry entry) {
        StringBuilder regex = new StringBuilder();
        int literals = 0;
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                regex.append(Pattern.quote(template.substring(at)));
                literals += template.length() - at;
                break;
            }
            int close = template.indexOf('}', open);
            if (close < 0 || close == open + 1 || (close == open + 2 && template.charAt(open + 1) == '+')) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "resource template '" + template + "' has an unclosed or empty {variable} at character " + open
                                + "; write {name} or {+name}");
            }
            if (open > at) {
                regex.append(Pattern.quote(template.substring(at, open)));
                literals += open - at;
            }
            regex.append(template.charAt(open + 1) == '+' ? "(.+)" : "([^/]+)");
            at = close + 1;
        }
        return new UriTemplate(template, Pattern.compile(regex.toString()), literals, entry);
    }

    /**
     * Returns the configured entry of a resource URI, exact or by template, or null if none is configured (see the
     * class comment for which wins).
     *
     * @param server the upstream's name
     * @param uri the resource URI
     * @return the configured entry, or null
     */
    public @Nullable CatalogEntry resource(String server, String uri) {
        if (uri.isEmpty() || uri.length() > CatalogKey.MAX_NAME_LENGTH) {
            return null;
        }
        CatalogEntry exact = configured.get(new CatalogKey(CatalogKind.RESOURCE, server, uri));
        if (exact != null) {
            return exact;
        }
        for (UriTemplate t : templates.getOrDefault(server, List.of())) {
            if (t.pattern().matcher(uri).matches()) {
                return t.entry();
            }
        }
        return null;
    }

    /**
     * Whether any resource of this upstream is configured: only then can the items of its results carry labels of
     * their own.
     *
     * @param server the upstream's name
     * @return true if the catalog labels some of its resources
     */
    public boolean labelsResourcesOf(String server) {
        return serversWithResources.contains(server);
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
        if (kind == CatalogKind.RESOURCE) {
            CatalogEntry resource = resource(server, name);
            return resource != null ? resource : CatalogEntry.MOST_RESTRICTIVE;
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

package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.gateway.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which upstream a resource URI named by an agent goes to. Resource URIs are the upstreams' own, so two upstreams may
 * serve the same one; such a URI is shown to agents namespaced as {@code mandate://<server>/<uri>} (one per upstream
 * that serves it), like a tool name is {@code <server>.<tool>}, and a read of the bare URI is refused naming the
 * namespaced forms — never sent to one of them by guess. Whether a URI collides is a fact about the upstreams, not
 * about the caller, so every agent sees the same URIs and a read's route never depends on who listed first.
 *
 * <p>A namespaced URI names its upstream explicitly and needs no listing. A bare URI goes to the one upstream whose
 * latest listing has it; if none lists it, to the one upstream whose resource template's literal prefix it starts with;
 * else to the only upstream that serves resources. Each upstream's latest listing is kept (refreshed by every
 * {@code resources/list}, dropped when an upstream says its resources changed, fetched on first need).
 */
final class ResourceRoutes {
    /** The scheme and authority prefix of a namespaced resource URI: {@code mandate://<server>/<uri>}. */
    static final String PREFIX = "mandate://";

    /**
     * The longest URI an agent may name: an upstream's URI of at most {@link CatalogKey#MAX_NAME_LENGTH} characters
     * under the longest namespace ({@code mandate://}, a server name of at most 64 characters, {@code /}).
     */
    static final int MAX_AGENT_URI_LENGTH = CatalogKey.MAX_NAME_LENGTH + PREFIX.length() + 65;

    /** The most URIs of one upstream's listing kept for routing; a longer listing is searched when needed. */
    static final int MAX_INDEXED_URIS = 100_000;

    /** The URIs of an upstream's latest listing; {@code uris} is null if there were more than the index keeps. */
    private record Listing(@Nullable Set<String> uris) {}

    /** The most templates (of all upstreams) compared pairwise for overlap; past it all are namespaced. */
    static final int MAX_COMPARED_TEMPLATES = 2_000;

    /** Where a read goes: the upstream and the URI it knows the resource by. */
    record Route(Upstream upstream, String uri) {}

    private static final Logger LOG = LoggerFactory.getLogger(ResourceRoutes.class);

    private final Map<String, Listing> listings = new ConcurrentHashMap<>();
    /** The literal prefixes of each upstream's latest template listing, kept and dropped as the listings are. */
    private final Map<String, List<String>> templatePrefixes = new ConcurrentHashMap<>();

    /**
     * The URI an agent sees for a resource of {@code server}.
     *
     * @param servedBy how many reachable upstreams list the same URI
     */
    static String agentUri(String server, String uri, int servedBy) {
        return servedBy > 1 || uri.startsWith(PREFIX) ? namespaced(server, uri) : uri;
    }

    static String namespaced(String server, String uri) {
        return PREFIX + server + "/" + uri;
    }

    /** Counts how many of the given listings have each key; used to find the URIs (or templates) that collide. */
    static Map<String, Integer> servedBy(Map<Upstream, List<JsonNode>> listings, String field) {
        Map<String, Integer> count = new HashMap<>();
        for (List<JsonNode> listing : listings.values()) {
            Set<String> seen = new HashSet<>();
            for (JsonNode item : listing) {
                String key = item.path(field).asText("");
                if (!key.isEmpty() && seen.add(key)) {
                    count.merge(key, 1, Integer::sum);
                }
            }
        }
        return count;
    }

    /**
     * The templates whose expansions a bare read could not route to their upstream: those whose literal prefix (up to
     * the first brace) is a prefix of, or starts with, the prefix of another upstream's template, as a URI under both
     * is served by two upstreams by the routing rule. A template without a literal prefix routes nothing and overlaps
     * nothing.
     *
     * @param listings each upstream's templates
     * @return {@code "<server> <uriTemplate>"} of each overlapping template
     */
    static Set<String> overlappingTemplates(Map<Upstream, List<JsonNode>> listings) {
        List<String[]> prefixes = new ArrayList<>(); // server, template, prefix
        listings.forEach((upstream, listed) -> {
            for (JsonNode template : listed) {
                String t = template.path("uriTemplate").asText("");
                String prefix = literalPrefix(t);
                if (!prefix.isEmpty()) {
                    prefixes.add(new String[] {upstream.name(), t, prefix});
                }
            }
        });
        Set<String> out = new HashSet<>();
        if (prefixes.size() > MAX_COMPARED_TEMPLATES) {
            // Too many to compare pairwise: every template is namespaced, which always routes to its own upstream.
            prefixes.forEach(p -> out.add(p[0] + ' ' + p[1]));
            return out;
        }
        // Quadratic in the templates of all upstreams, which are few (a server declares a handful).
        for (String[] a : prefixes) {
            for (String[] b : prefixes) {
                if (!a[0].equals(b[0]) && (a[2].startsWith(b[2]) || b[2].startsWith(a[2]))) {
                    out.add(a[0] + ' ' + a[1]);
                }
            }
        }
        return out;
    }

    /** Remembers an upstream's full listing, replacing its previous one. */
    void listed(String server, List<JsonNode> resources) {
        Set<String> uris = new HashSet<>();
        for (JsonNode resource : resources) {
            String uri = resource.path("uri").asText("");
            if (!uri.isEmpty()) {
                uris.add(uri);
            }
        }
        listings.put(server, new Listing(uris.size() > MAX_INDEXED_URIS ? null : Set.copyOf(uris)));
    }

    /** Forgets every listing: an upstream said its resources changed; the next bare read lists again. */
    void forget() {
        listings.clear();
        templatePrefixes.clear();
    }

    /**
     * Remembers the literal prefixes of an upstream's full template listing, replacing the previous ones.
     *
     * @return the prefixes
     */
    List<String> templatesListed(String server, List<JsonNode> templates) {
        List<String> prefixes = new ArrayList<>();
        for (JsonNode template : templates) {
            String prefix = literalPrefix(template.path("uriTemplate").asText(""));
            if (!prefix.isEmpty()) {
                prefixes.add(prefix);
            }
        }
        // Like a listing, a huge one is not kept: it is fetched again when needed.
        if (prefixes.size() <= MAX_INDEXED_URIS) {
            templatePrefixes.put(server, List.copyOf(prefixes));
        } else {
            templatePrefixes.remove(server);
        }
        return prefixes;
    }

    /**
     * The route of a URI an agent names.
     *
     * @param agentUri the URI as the agent sent it
     * @param upstreams every configured upstream by name
     * @param withResources the reachable upstreams that serve resources, in name order
     * @param bad builds the error for an unusable URI from the reason
     * @throws GatewayException with {@code BAD_REQUEST} naming the URI if no upstream, or more than one, serves it
     */
    Route route(
            String agentUri,
            Map<String, Upstream> upstreams,
            List<Upstream> withResources,
            Function<String, GatewayException> bad) {
        if (agentUri.startsWith(PREFIX)) {
            String rest = agentUri.substring(PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw bad.apply("expected " + PREFIX + "<server>/<uri>");
            }
            Upstream upstream = upstreams.get(rest.substring(0, slash));
            if (upstream == null) {
                throw bad.apply("no upstream '" + rest.substring(0, slash) + "'");
            }
            String uri = rest.substring(slash + 1);
            if (uri.length() > CatalogKey.MAX_NAME_LENGTH) {
                throw bad.apply("the upstream's URI is longer than " + CatalogKey.MAX_NAME_LENGTH + " characters");
            }
            return new Route(upstream, uri);
        }
        if (agentUri.length() > CatalogKey.MAX_NAME_LENGTH) {
            throw bad.apply("longer than " + CatalogKey.MAX_NAME_LENGTH + " characters");
        }
        List<Upstream> candidates = new ArrayList<>();
        for (Upstream upstream : withResources) {
            if (lists(upstream, agentUri)) {
                candidates.add(upstream);
            }
        }
        if (candidates.isEmpty()) {
            for (Upstream upstream : withResources) {
                if (templateCovers(upstream, agentUri)) {
                    candidates.add(upstream);
                }
            }
        }
        if (candidates.isEmpty() && withResources.size() == 1) {
            candidates.add(withResources.get(0));
        }
        if (candidates.size() == 1) {
            return new Route(candidates.get(0), agentUri);
        }
        if (candidates.isEmpty()) {
            throw bad.apply("no upstream serves it");
        }
        List<String> names = new ArrayList<>();
        for (Upstream upstream : candidates) {
            names.add(namespaced(upstream.name(), agentUri));
        }
        throw bad.apply(candidates.size() + " upstreams serve it; read one of " + String.join(", ", names));
    }

    /**
     * The URIs among those an upstream's result names that an agent must read namespaced under that upstream, as a bare
     * read would not reach it: those its own listing has and another reachable upstream's listing has too (the listing
     * shows them namespaced); those its listing lacks but one of its resource templates covers (by literal prefix)
     * while another upstream lists them or has a template that covers them too (a bare read would go elsewhere, or be
     * refused as ambiguous); and any that starts with {@code mandate://} (which would otherwise name another upstream's
     * resource). Templates are fetched only when a URI is not in the upstream's listing.
     *
     * @param from the upstream whose result names the URIs
     * @param uris the URIs as the upstream names them
     * @param withResources the reachable upstreams that serve resources
     * @return the URIs to show as {@code mandate://<from>/<uri>}
     */
    Set<String> namespacedIn(Upstream from, Set<String> uris, List<Upstream> withResources) {
        Set<String> out = new HashSet<>();
        Set<String> bare = new HashSet<>();
        for (String uri : uris) {
            // A longer URI is never listed, and no agent could read it under a namespace: it is left alone.
            if (uri.length() > CatalogKey.MAX_NAME_LENGTH) {
                continue;
            }
            if (uri.startsWith(PREFIX)) {
                out.add(uri);
            } else {
                bare.add(uri);
            }
        }
        if (bare.isEmpty() || withResources.stream().noneMatch(u -> u.name().equals(from.name()))) {
            return out;
        }
        Set<String> own = listedAmong(from, bare);
        Set<String> unlisted = new HashSet<>(bare);
        unlisted.removeAll(own);
        for (Upstream other : withResources) {
            if (own.isEmpty()) {
                break;
            }
            if (!other.name().equals(from.name())) {
                Set<String> shared = listedAmong(other, own);
                out.addAll(shared);
                own.removeAll(shared);
            }
        }
        if (!unlisted.isEmpty()) {
            out.addAll(templateCollisions(from, unlisted, withResources));
        }
        return out;
    }

    /** Of the URIs {@code from} does not list, those its templates cover that a bare read would not route to it. */
    private Set<String> templateCollisions(Upstream from, Set<String> unlisted, List<Upstream> withResources) {
        List<String> ownPrefixes = templatePrefixes(from);
        Set<String> covered = new HashSet<>();
        for (String uri : unlisted) {
            if (ownPrefixes.stream().anyMatch(uri::startsWith)) {
                covered.add(uri);
            }
        }
        Set<String> out = new HashSet<>();
        for (Upstream other : withResources) {
            if (covered.isEmpty()) {
                break;
            }
            if (other.name().equals(from.name())) {
                continue;
            }
            Set<String> elsewhere = new HashSet<>(listedAmong(other, covered));
            List<String> prefixes = templatePrefixes(other);
            for (String uri : covered) {
                if (prefixes.stream().anyMatch(uri::startsWith)) {
                    elsewhere.add(uri);
                }
            }
            out.addAll(elsewhere);
            covered.removeAll(elsewhere);
        }
        return out;
    }

    /** What every expansion of a URI template starts with: the template up to its first brace. */
    private static String literalPrefix(String template) {
        int brace = template.indexOf('{');
        return brace < 0 ? template : template.substring(0, brace);
    }

    /**
     * The literal prefixes (up to the first brace) of the upstream's resource templates, from its kept template listing
     * or fetched (and kept) if none is; none if it cannot list.
     */
    private List<String> templatePrefixes(Upstream upstream) {
        List<String> kept = templatePrefixes.get(upstream.name());
        if (kept != null) {
            return kept;
        }
        try {
            return templatesListed(upstream.name(), upstream.resourceTemplates());
        } catch (GatewayException e) {
            LOG.warn("upstream '{}': resource templates not listed for routing: {}", upstream.name(), e.getMessage());
            return List.of();
        }
    }

    private boolean lists(Upstream upstream, String uri) {
        return !listedAmong(upstream, Set.of(uri)).isEmpty();
    }

    /** Those of the URIs that the upstream's latest listing has, fetching it if none is kept. */
    private Set<String> listedAmong(Upstream upstream, Set<String> uris) {
        Listing listing = listings.get(upstream.name());
        Set<String> index = listing == null ? null : listing.uris();
        if (index != null) {
            Set<String> found = new HashSet<>(uris);
            found.retainAll(index);
            return found;
        }
        List<JsonNode> resources;
        try {
            resources = upstream.resources();
        } catch (GatewayException e) {
            // It cannot serve a read either; once it lists again, a URI it shares is found to be shared.
            LOG.warn("upstream '{}': resources not listed for routing: {}", upstream.name(), e.getMessage());
            return Set.of();
        }
        if (listing == null) {
            listed(upstream.name(), resources);
        }
        Set<String> found = new HashSet<>();
        for (JsonNode resource : resources) {
            String uri = resource.path("uri").asText("");
            if (uris.contains(uri)) {
                found.add(uri);
            }
        }
        return found;
    }

    private boolean templateCovers(Upstream upstream, String uri) {
        return templatePrefixes(upstream).stream().anyMatch(uri::startsWith);
    }
}

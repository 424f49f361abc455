package dev.mandate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.catalog.StoreBinding;
import dev.mandate.core.flow.FlowLabels;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The upstreams and the catalog, as read from the gateway's configuration file (YAML or JSON):
 *
 * <pre>
 * upstreams:
 *   crm:   { url: "http://127.0.0.1:9000/mcp" }
 *   db:
 *     url: "http://127.0.0.1:9001/mcp"
 *     credential: { backend: customers-db, scope: read, header: Authorization, value: "Basic {basic}" }
 *   tickets:
 *     command: "node"
 *     args: ["server.js"]
 *     credential: { backend: tickets, scope: read, env: { API_TOKEN: "{secret}" }, max-processes: 16 }
 *   files: { command: "npx", args: ["server-filesystem", "/srv"], env: { K: "v" }, trusted: true }
 * catalog:
 *   tools:
 *     crm:
 *       get_customer: { labels: "confidential,pii", expose: ["customerId"] }
 *       send_email:   { labels: "internal", egress: true }
 *       remember:     { store: { name: "memory", key: "key", access: "write" } }
 *   resources:
 *     crm: { "crm://customers": { labels: "confidential,pii" } }
 *   prompts:
 *     crm: { summary: { labels: "internal" } }
 * </pre>
 *
 * @param upstreams the upstream servers, by name
 * @param catalog the catalog built from the entries and the trusted upstreams
 */
public record GatewayConfig(Map<String, UpstreamConfig> upstreams, Catalog catalog) {
    /** The most upstreams one gateway fronts. */
    public static final int MAX_UPSTREAMS = 256;

    /** No upstreams, empty catalog. */
    public static final GatewayConfig EMPTY = new GatewayConfig(Map.of(), Catalog.EMPTY);

    private static final Set<String> ENTRY_FIELDS =
            Set.of("labels", "egress", "destructive", "untrusted", "store", "expose");

    /** Copies the map. */
    public GatewayConfig {
        upstreams = Map.copyOf(upstreams);
    }

    /**
     * Reads the configuration from a parsed YAML or JSON tree.
     *
     * @param tree the document; null or missing means {@link #EMPTY}
     * @param source where it came from, for error messages (a file name)
     * @return the configuration
     * @throws MandateException with {@code BAD_CONFIG} naming the key, the value and the rule
     */
    public static GatewayConfig fromTree(@Nullable JsonNode tree, String source) {
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            return EMPTY;
        }
        Reader reader = new Reader(source);
        reader.onlyFields(tree, "", Set.of("upstreams", "catalog"));
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        JsonNode ups = tree.path("upstreams");
        for (Map.Entry<String, JsonNode> e : reader.fields(ups, "upstreams")) {
            upstreams.put(e.getKey(), reader.upstream(e.getKey(), e.getValue()));
        }
        if (upstreams.size() > MAX_UPSTREAMS) {
            throw reader.bad("upstreams", upstreams.size() + " upstreams: at most " + MAX_UPSTREAMS);
        }
        Map<CatalogKey, CatalogEntry> entries = new HashMap<>();
        JsonNode catalog = tree.path("catalog");
        reader.onlyFields(catalog, "catalog", Set.of("tools", "resources", "prompts"));
        for (CatalogKind kind : CatalogKind.values()) {
            String section = kind == CatalogKind.TOOL ? "tools" : kind.name().toLowerCase(Locale.ROOT) + "s";
            for (Map.Entry<String, JsonNode> server : reader.fields(catalog.path(section), "catalog." + section)) {
                for (Map.Entry<String, JsonNode> item :
                        reader.fields(server.getValue(), "catalog." + section + "." + server.getKey())) {
                    String where = "catalog." + section + "." + server.getKey() + "." + item.getKey();
                    entries.put(
                            reader.key(kind, server.getKey(), item.getKey(), where),
                            reader.entry(item.getValue(), where));
                }
            }
        }
        TreeSet<String> trusted = new TreeSet<>();
        upstreams.values().stream().filter(UpstreamConfig::trusted).forEach(u -> trusted.add(u.name()));
        return new GatewayConfig(upstreams, new Catalog(entries, trusted));
    }

    private record Reader(String source) {
        MandateException bad(String key, String rule) {
            return new MandateException(ErrorCode.BAD_CONFIG, source + ": '" + key + "': " + rule);
        }

        List<Map.Entry<String, JsonNode>> fields(JsonNode node, String where) {
            if (node.isMissingNode() || node.isNull()) {
                return List.of();
            }
            if (!node.isObject()) {
                throw bad(where, "must be a mapping");
            }
            List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
            node.properties().forEach(out::add);
            return out;
        }

        void onlyFields(JsonNode node, String where, Set<String> allowed) {
            for (Map.Entry<String, JsonNode> e : fields(node, where.isEmpty() ? "(top level)" : where)) {
                if (!allowed.contains(e.getKey())) {
                    throw bad(
                            where.isEmpty() ? e.getKey() : where + "." + e.getKey(),
                            "unknown key; expected one of " + new TreeSet<>(allowed));
                }
            }
        }

        UpstreamConfig upstream(String name, JsonNode node) {
            String where = "upstreams." + name;
            onlyFields(
                    node, where, Set.of("url", "command", "args", "env", "trusted", "credential", "client-requests"));
            boolean trusted = bool(node, "trusted", where);
            boolean clientRequests = bool(node, "client-requests", where);
            if (clientRequests && node.hasNonNull("url")) {
                throw bad(
                        where + ".client-requests",
                        "only for stdio upstreams; a Streamable HTTP upstream's requests made on a call's stream are"
                                + " always relayed to that call's agent");
            }
            CredentialBinding credential =
                    credential(node.path("credential"), where + ".credential", node.hasNonNull("url"));
            try {
                if (node.hasNonNull("url") == node.hasNonNull("command")) {
                    throw bad(where, "give exactly one of url (Streamable HTTP) or command (stdio)");
                }
                if (node.hasNonNull("url")) {
                    return new UpstreamConfig.Http(
                            name, URI.create(node.get("url").asText()), trusted, credential);
                }
                List<String> args = new ArrayList<>();
                node.path("args").forEach(a -> args.add(a.asText()));
                Map<String, String> env = new LinkedHashMap<>();
                fields(node.path("env"), where + ".env")
                        .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                return new UpstreamConfig.Stdio(
                        name, node.get("command").asText(), args, env, trusted, credential, clientRequests);
            } catch (IllegalArgumentException e) {
                throw bad(where + ".url", "not a URI: " + e.getMessage());
            } catch (MandateException e) {
                if (e.getMessage().startsWith(source)) {
                    throw e;
                }
                throw bad(where, e.getMessage());
            }
        }

        /** Reads {@code upstreams.<name>.credential}; the binding's own rules are reported under that key. */
        @Nullable
        CredentialBinding credential(JsonNode node, String where, boolean http) {
            if (node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw bad(where, "must be a mapping with backend and scope");
            }
            onlyFields(
                    node,
                    where,
                    http
                            ? Set.of("backend", "scope", "header", "value")
                            : Set.of("backend", "scope", "env", "max-processes"));
            for (String field : List.of("backend", "scope")) {
                JsonNode v = node.path(field);
                if (!v.isTextual() || v.asText().isBlank()) {
                    throw bad(
                            where + "." + field,
                            "is required: the name of a credential "
                                    + (field.equals("backend") ? "backend under credentials.backends" : "scope of it"));
                }
            }
            try {
                if (http) {
                    return CredentialBinding.http(
                            node.get("backend").asText(),
                            node.get("scope").asText(),
                            node.hasNonNull("header") ? node.get("header").asText() : null,
                            node.hasNonNull("value") ? node.get("value").asText() : null);
                }
                Map<String, String> env = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : fields(node.path("env"), where + ".env")) {
                    if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                        throw bad(where + ".env." + e.getKey(), "must be a single value (a template)");
                    }
                    env.put(e.getKey(), e.getValue().asText());
                }
                if (env.isEmpty()) {
                    throw bad(
                            where + ".env",
                            "is required for a stdio upstream: variable name to template,"
                                    + " e.g. { API_TOKEN: \"{secret}\" }");
                }
                JsonNode max = node.path("max-processes");
                if (!max.isMissingNode() && !max.isNull() && !max.canConvertToInt()) {
                    throw bad(where + ".max-processes", "'" + max.asText() + "' is not a whole number");
                }
                return CredentialBinding.stdio(
                        node.get("backend").asText(),
                        node.get("scope").asText(),
                        env,
                        max.isMissingNode() || max.isNull() ? CredentialBinding.DEFAULT_MAX_PROCESSES : max.asInt());
            } catch (MandateException e) {
                if (e.getMessage().startsWith(source)) {
                    throw e;
                }
                throw bad(where, e.getMessage());
            }
        }

        CatalogKey key(CatalogKind kind, String server, String name, String where) {
            try {
                return new CatalogKey(kind, server, name);
            } catch (MandateException e) {
                throw bad(where, e.getMessage());
            }
        }

        CatalogEntry entry(JsonNode node, String where) {
            onlyFields(node, where, ENTRY_FIELDS);
            try {
                FlowLabels labels = FlowLabels.parse(node.path("labels").asText(""));
                StoreBinding store = null;
                JsonNode s = node.path("store");
                if (!s.isMissingNode() && !s.isNull()) {
                    onlyFields(s, where + ".store", Set.of("name", "key", "access"));
                    String access = s.path("access").asText("read-write");
                    store = new StoreBinding(
                            s.path("name").asText(""),
                            s.hasNonNull("key") ? s.get("key").asText() : null,
                            switch (access) {
                                case "read" -> StoreBinding.Access.READ;
                                case "write" -> StoreBinding.Access.WRITE;
                                case "read-write" -> StoreBinding.Access.READ_WRITE;
                                default ->
                                    throw bad(
                                            where + ".store.access",
                                            "'" + access + "' is not read, write or read-write");
                            });
                }
                List<String> expose = new ArrayList<>();
                node.path("expose").forEach(a -> expose.add(a.asText()));
                return new CatalogEntry(
                        labels,
                        bool(node, "egress", where),
                        bool(node, "destructive", where),
                        bool(node, "untrusted", where),
                        store,
                        expose,
                        CatalogEntry.Source.CONFIGURED);
            } catch (MandateException e) {
                if (e.code() == ErrorCode.BAD_CONFIG) {
                    throw e;
                }
                throw bad(where, e.getMessage());
            }
        }

        boolean bool(JsonNode node, String field, String where) {
            JsonNode v = node.path(field);
            if (v.isMissingNode() || v.isNull()) {
                return false;
            }
            if (!v.isBoolean()) {
                throw bad(where + "." + field, "'" + v.asText() + "' is not true or false");
            }
            return v.booleanValue();
        }
    }
}

package dev.mandate.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code credentials.backends} section of the YAML configuration: the credential backends leases are issued by.
 * Only the shape is checked here (types, required fields, unknown fields); scope templates are checked when the
 * backends are built at start-up, and both refuse with the key named.
 *
 * <pre>
 * credentials:
 *   backends:
 *     pg-orders:                      # a backend name: a-z 0-9 -
 *       type: postgres-role           # postgres-role | shared-postgres | signed-token
 *       url: jdbc:postgresql://127.0.0.1:5432/shop
 *       user: mandate_admin
 *       password: ...                 # never printed
 *       scopes:
 *         read-orders: SELECT ON public.orders
 *     ledger:
 *       type: shared-postgres
 *       url: jdbc:postgresql://127.0.0.1:5432/shop
 *       user: mandate_admin
 *       password: ...
 *       accounts:
 *         ledger-app: ledger_app      # scope name: the shared role whose password Mandate rotates
 *     tickets:
 *       type: signed-token
 *       audience: https://tickets.example/api
 *       max-lifetime: 5m
 *       scopes:
 *         read: tickets:read
 * </pre>
 *
 * @param backends the backends, in file order
 */
public record CredentialsConfig(List<Backend> backends) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** Copies the list. */
    public CredentialsConfig {
        backends = List.copyOf(backends);
    }

    /** No backends: leases cannot be issued, but listing and revoking still work. */
    public static final CredentialsConfig NONE = new CredentialsConfig(List.of());

    /** One configured backend. */
    public sealed interface Backend {
        /**
         * Returns the backend's name.
         *
         * @return the name, the key under {@code credentials.backends}
         */
        String name();
    }

    /**
     * A PostgreSQL database in which each lease gets its own role.
     *
     * @param name the backend name
     * @param url the JDBC URL of the database
     * @param user the admin role (needs CREATEROLE)
     * @param password the admin password
     * @param scopes scope name to grant template
     */
    public record PostgresRole(String name, String url, String user, String password, Map<String, String> scopes)
            implements Backend {
        @Override
        public String toString() {
            return "PostgresRole[name=" + name + ", url=" + url + ", user=" + user + ", scopes=" + scopes + "]";
        }
    }

    /**
     * Legacy shared PostgreSQL accounts checked out one mandate at a time and rotated on check-in.
     *
     * @param name the backend name
     * @param url the JDBC URL of the database
     * @param user the admin role (may alter the accounts' passwords)
     * @param password the admin password
     * @param accounts scope name to the shared role
     */
    public record SharedPostgres(String name, String url, String user, String password, Map<String, String> accounts)
            implements Backend {
        @Override
        public String toString() {
            return "SharedPostgres[name=" + name + ", url=" + url + ", user=" + user + ", accounts=" + accounts + "]";
        }
    }

    /**
     * Signed downstream tokens for one HTTP API.
     *
     * @param name the backend name
     * @param audience the API's identifier
     * @param maxLifetime the longest a token lives
     * @param scopes scope name to OAuth scope string
     */
    public record SignedToken(String name, String audience, Duration maxLifetime, Map<String, String> scopes)
            implements Backend {}

    /**
     * Parses the {@code credentials} node of the YAML file.
     *
     * @param node the node under {@code credentials}
     * @param source where it came from, for messages
     * @return the configuration
     * @throws MandateException with {@code BAD_CONFIG} naming the key and the rule
     */
    public static CredentialsConfig parse(JsonNode node, String source) {
        requireFields(node, "credentials", Set.of("backends"), source);
        JsonNode backends = node.path("backends");
        if (backends.isMissingNode()) {
            return NONE;
        }
        if (!backends.isObject()) {
            throw bad("credentials.backends", source, "must be a mapping of backend names to backends");
        }
        List<Backend> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : backends.properties()) {
            String name = e.getKey();
            String key = "credentials.backends." + name;
            if (!NAME.matcher(name).matches()) {
                throw bad(key, source, "backend names are lower-case letters, digits and dashes, 1-63 long");
            }
            JsonNode b = e.getValue();
            if (!b.isObject()) {
                throw bad(key, source, "must be a mapping with a 'type'");
            }
            String type = text(b, key, "type", source);
            out.add(
                    switch (type) {
                        case "postgres-role" -> {
                            requireFields(b, key, Set.of("type", "url", "user", "password", "scopes"), source);
                            yield new PostgresRole(
                                    name,
                                    text(b, key, "url", source),
                                    text(b, key, "user", source),
                                    optionalText(b, "password"),
                                    map(b, key, "scopes", source));
                        }
                        case "shared-postgres" -> {
                            requireFields(b, key, Set.of("type", "url", "user", "password", "accounts"), source);
                            yield new SharedPostgres(
                                    name,
                                    text(b, key, "url", source),
                                    text(b, key, "user", source),
                                    optionalText(b, "password"),
                                    map(b, key, "accounts", source));
                        }
                        case "signed-token" -> {
                            requireFields(b, key, Set.of("type", "audience", "max-lifetime", "scopes"), source);
                            yield new SignedToken(
                                    name,
                                    text(b, key, "audience", source),
                                    duration(b.path("max-lifetime").asText("5m"), key + ".max-lifetime", source),
                                    map(b, key, "scopes", source));
                        }
                        default ->
                            throw bad(
                                    key + ".type",
                                    source,
                                    "unknown backend type '" + type
                                            + "': expected postgres-role, shared-postgres, signed-token");
                    });
        }
        return new CredentialsConfig(out);
    }

    private static void requireFields(JsonNode node, String key, Set<String> allowed, String source) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!allowed.contains(f.getKey())) {
                throw bad(key + "." + f.getKey(), source, "unknown key; allowed here: " + allowed);
            }
        }
    }

    private static String text(JsonNode node, String key, String field, String source) {
        JsonNode v = node.path(field);
        if (!v.isValueNode() || v.isNull() || v.asText().isBlank()) {
            throw bad(key + "." + field, source, "is required and must be a single value");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }

    private static Map<String, String> map(JsonNode node, String key, String field, String source) {
        JsonNode v = node.path(field);
        if (!v.isObject() || v.isEmpty()) {
            throw bad(key + "." + field, source, "is required: a mapping of names to values, at least one");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw bad(key + "." + field + "." + e.getKey(), source, "must be a single value");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Duration duration(String text, String key, String source) {
        var m = DURATION.matcher(text);
        if (!m.matches()) {
            throw bad(key, source, "'" + text + "' is not a duration such as 30s, 5m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static MandateException bad(String key, String source, String rule) {
        return new MandateException(ErrorCode.BAD_CONFIG, "configuration key '" + key + "' in " + source + ": " + rule);
    }
}

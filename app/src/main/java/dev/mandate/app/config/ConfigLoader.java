package dev.mandate.app.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.mandate.TierLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Config} from layers, later ones winning: defaults, an optional YAML file, {@code MANDATE_*}
 * environment variables, command-line flags. Anything unknown or invalid stops the load with a
 * {@code BAD_CONFIG} error naming the key, where it came from, the value (never a password) and the rule.
 */
public final class ConfigLoader {
    /** The largest configuration file read. */
    public static final long MAX_FILE_BYTES = 1 << 20;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

    private record Setting(String value, String source) {}

    private final Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
    private CredentialsConfig credentials = CredentialsConfig.NONE;

    private ConfigLoader() {
        for (ConfigKey key : ConfigKey.values()) {
            settings.put(key, new Setting(key.defaultValue(), "the default"));
        }
    }

    /**
     * Loads the configuration.
     *
     * @param file an optional YAML file
     * @param env the process environment (only {@code MANDATE_*} variables are read)
     * @param flags values given on the command line
     * @return the validated configuration
     * @throws MandateException with {@code BAD_CONFIG} naming the key and the rule it broke
     */
    public static Config load(@Nullable Path file, Map<String, String> env, Map<ConfigKey, String> flags) {
        ConfigLoader loader = new ConfigLoader();
        if (file != null) {
            loader.readYaml(file);
        }
        loader.readEnv(env);
        flags.forEach((key, value) -> loader.settings.put(key, new Setting(value, "--" + key.key())));
        return loader.build();
    }

    private void readYaml(Path file) {
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new MandateException(ErrorCode.BAD_CONFIG, "config file " + file + " does not exist");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "config file " + file + " is larger than " + MAX_FILE_BYTES
                                + " bytes (ConfigLoader.MAX_FILE_BYTES)");
            }
            root = new YAMLMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "config file " + file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file configures nothing
        }
        if (!root.isObject()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "config file " + file + " must be a mapping of keys to values");
        }
        flatten(root, "", file);
    }

    private void flatten(JsonNode node, String prefix, Path file) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("credentials")) {
                // Backends are a mapping of names the operator chooses, so they are not flat ConfigKeys.
                credentials = CredentialsConfig.parse(value, "config file " + file);
                continue;
            }
            if (value.isObject() && ConfigKey.byKey(name).isEmpty()) {
                flatten(value, name + ".", file);
                continue;
            }
            ConfigKey key = ConfigKey.byKey(name).orElseThrow(() -> unknown(name, "config file " + file));
            if (!value.isValueNode() || value.isNull()) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "configuration key '" + name + "' in " + file + " must be a single value: " + key.rule());
            }
            settings.put(key, new Setting(value.asText(), "config file " + file));
        }
    }

    private void readEnv(Map<String, String> env) {
        env.forEach((name, value) -> {
            if (name.startsWith("MANDATE_")) {
                ConfigKey key = ConfigKey.byEnvVar(name).orElseThrow(() -> unknown(name, "the environment"));
                settings.put(key, new Setting(value, "environment variable " + name));
            }
        });
    }

    private Config build() {
        String oidcIssuer = parse(ConfigKey.OIDC_ISSUER, ConfigLoader::optionalText);
        Path oidcJwksFile = parse(ConfigKey.OIDC_JWKS_FILE, v -> v.isEmpty() ? null : Path.of(v));
        if ((oidcIssuer == null) != (oidcJwksFile == null)) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "configuration keys 'oidc.issuer' (from "
                            + setting(ConfigKey.OIDC_ISSUER).source()
                            + ") and 'oidc.jwks-file' (from "
                            + setting(ConfigKey.OIDC_JWKS_FILE).source()
                            + ") go together: set both to accept ID tokens, or neither");
        }
        return new Config(
                parse(ConfigKey.LISTEN, HostPort::parse),
                parse(ConfigKey.DATA_DIR, Path::of),
                parse(ConfigKey.STORE_URL, ConfigLoader::storeUrl),
                text(ConfigKey.STORE_USER),
                text(ConfigKey.STORE_PASSWORD),
                parse(ConfigKey.STORE_MAX_POOL_SIZE, v -> (int) wholeNumber(v, 1, 200)),
                parse(ConfigKey.SHUTDOWN_TIMEOUT, v -> duration(v, Duration.ZERO, Duration.ofMinutes(10))),
                parse(ConfigKey.MAX_REQUEST_BYTES, v -> wholeNumber(v, 1024, 64L << 20)),
                tlsOptions(),
                parse(ConfigKey.TRUST_DOMAIN, ConfigLoader::trustDomain),
                parse(ConfigKey.KEYS_RETIRED_RETENTION, v -> duration(v, Duration.ofMinutes(1), Duration.ofDays(30))),
                parse(ConfigKey.SVID_JWT_TTL, v -> duration(v, Duration.ofSeconds(30), Duration.ofHours(1))),
                parse(ConfigKey.SVID_X509_TTL, v -> duration(v, Duration.ofMinutes(1), Duration.ofHours(24))),
                parse(ConfigKey.JOIN_TOKEN_TTL, v -> duration(v, Duration.ofMinutes(1), Duration.ofHours(24))),
                parse(ConfigKey.CLOCK_SKEW, v -> duration(v, Duration.ZERO, Duration.ofMinutes(5))),
                parse(ConfigKey.TRUST_BUNDLE_DIR, v -> v.isEmpty() ? null : Path.of(v)),
                oidcIssuer,
                oidcJwksFile,
                parse(ConfigKey.OIDC_ISSUER_DIR, v -> v.isEmpty() ? null : Path.of(v)),
                parse(ConfigKey.OIDC_AUDIENCE, ConfigLoader::audience),
                mandateSettings(),
                credentials,
                new GatewayOptions(
                        parse(ConfigKey.GATEWAY_CONFIG, v -> v.isEmpty() ? null : Path.of(v)),
                        parse(ConfigKey.GATEWAY_ALLOWED_ORIGINS, GatewayOptions::origins),
                        parse(ConfigKey.GATEWAY_MAX_SESSIONS, v -> (int) wholeNumber(v, 1, 1_000_000)),
                        parse(
                                ConfigKey.GATEWAY_SESSION_IDLE_TIMEOUT,
                                v -> duration(v, Duration.ofSeconds(1), Duration.ofHours(24))),
                        parse(ConfigKey.GATEWAY_MAX_MESSAGE_BYTES, v -> (int) wholeNumber(v, 1024, 64L << 20)),
                        parse(
                                ConfigKey.GATEWAY_UPSTREAM_TIMEOUT,
                                v -> duration(v, Duration.ofMillis(100), Duration.ofMinutes(10)))),
                replicaSettings());
    }

    private ReplicaSettings replicaSettings() {
        Duration poll = parse(
                ConfigKey.STORE_REPLICAS_POLL_INTERVAL,
                v -> duration(v, Duration.ofMillis(100), Duration.ofMinutes(1)));
        Duration bound = parse(ConfigKey.STORE_REPLICAS_STALENESS_BOUND, v -> {
            Duration d = duration(v, Duration.ofSeconds(1), Duration.ofMinutes(10));
            if (d.compareTo(poll.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException(
                        "shorter than twice " + ConfigKey.STORE_REPLICAS_POLL_INTERVAL.key());
            }
            return d;
        });
        return new ReplicaSettings(poll, bound);
    }

    private TlsOptions tlsOptions() {
        Path cert = parse(ConfigKey.TLS_CERT_FILE, v -> v.isEmpty() ? null : Path.of(v));
        Path key = parse(ConfigKey.TLS_KEY_FILE, v -> v.isEmpty() ? null : Path.of(v));
        if ((cert == null) != (key == null)) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "configuration keys 'server.tls.cert-file' (from "
                            + setting(ConfigKey.TLS_CERT_FILE).source()
                            + ") and 'server.tls.key-file' (from "
                            + setting(ConfigKey.TLS_KEY_FILE).source()
                            + ") go together: set both, or neither for the node's own X.509-SVID");
        }
        return new TlsOptions(
                parse(ConfigKey.TLS_LISTEN, v -> v.isEmpty() ? null : HostPort.parse(v)),
                cert,
                key,
                parse(ConfigKey.TLS_CLIENT_AUTH, TlsOptions::clientAuth));
    }

    private MandateSettings mandateSettings() {
        Map<Tier, TierLimits> tiers = new EnumMap<>(Tier.class);
        tiers.put(
                Tier.COPILOT,
                tier(
                        ConfigKey.TIER_COPILOT_MAX_TTL,
                        ConfigKey.TIER_COPILOT_MAX_LIFETIME,
                        ConfigKey.TIER_COPILOT_TOKEN_TTL,
                        ConfigKey.TIER_COPILOT_ALLOW_BEARER));
        tiers.put(
                Tier.AUTONOMOUS,
                tier(
                        ConfigKey.TIER_AUTONOMOUS_MAX_TTL,
                        ConfigKey.TIER_AUTONOMOUS_MAX_LIFETIME,
                        ConfigKey.TIER_AUTONOMOUS_TOKEN_TTL,
                        ConfigKey.TIER_AUTONOMOUS_ALLOW_BEARER));
        return new MandateSettings(
                new MandateLimits(parse(ConfigKey.MANDATE_MAX_DEPTH, v -> (int) wholeNumber(v, 0, 32)), tiers),
                parse(ConfigKey.MANDATE_DEFAULT_CALL_BUDGET, v -> (int) wholeNumber(v, 0, 1_000_000)),
                parse(ConfigKey.AUDIT_CHECKPOINT_EVERY, v -> (int) wholeNumber(v, 1, 1_000_000)),
                parse(ConfigKey.OAUTH_ISSUER, ConfigLoader::issuer),
                parse(ConfigKey.OAUTH_AUDIENCE, ConfigLoader::tokenAudience),
                parse(ConfigKey.DPOP_IAT_WINDOW, v -> duration(v, Duration.ofSeconds(1), Duration.ofMinutes(10))),
                parse(ConfigKey.DPOP_REPLAY_CACHE_SIZE, v -> (int) wholeNumber(v, 100, 10_000_000)));
    }

    private TierLimits tier(ConfigKey maxTtl, ConfigKey maxLifetime, ConfigKey tokenTtl, ConfigKey allowBearer) {
        Duration ttl = parse(maxTtl, v -> duration(v, Duration.ofSeconds(1), Duration.ofDays(30)));
        Duration life = parse(maxLifetime, v -> {
            Duration d = duration(v, Duration.ofSeconds(1), Duration.ofDays(30));
            if (d.compareTo(ttl) < 0) {
                throw new IllegalArgumentException("shorter than " + maxTtl.key());
            }
            return d;
        });
        return new TierLimits(
                ttl,
                life,
                parse(tokenTtl, v -> duration(v, Duration.ofSeconds(1), Duration.ofHours(1))),
                parse(allowBearer, ConfigLoader::bool));
    }

    private static boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false");
        };
    }

    private static @Nullable String issuer(String value) {
        if (value.isEmpty()) {
            return null;
        }
        java.net.URI u = java.net.URI.create(value);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                || u.getHost() == null
                || u.getQuery() != null
                || u.getFragment() != null) {
            throw new IllegalArgumentException("not an http(s) URL without query or fragment");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static String tokenAudience(String value) {
        if (!value.matches("[\\x21-\\x7e]{1,200}")) {
            throw new IllegalArgumentException("not 1-200 printable characters");
        }
        return value;
    }

    private String text(ConfigKey key) {
        return setting(key).value();
    }

    private Setting setting(ConfigKey key) {
        return Objects.requireNonNull(settings.get(key), "every key has at least its default");
    }

    private interface Parser<T extends @Nullable Object> {
        T parse(String value);
    }

    private <T extends @Nullable Object> T parse(ConfigKey key, Parser<T> parser) {
        Setting setting = setting(key);
        try {
            return parser.parse(setting.value().strip());
        } catch (RuntimeException e) {
            String shown = key == ConfigKey.STORE_PASSWORD ? "***" : "'" + setting.value() + "'";
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "configuration key '" + key.key() + "' from " + setting.source() + " has value " + shown
                            + ": expected " + key.rule(),
                    e);
        }
    }

    private static @Nullable String storeUrl(String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (!value.startsWith("jdbc:h2:") && !value.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("unsupported JDBC URL");
        }
        return value;
    }

    private static @Nullable String optionalText(String value) {
        return value.isEmpty() ? null : value;
    }

    private static String audience(String value) {
        if (value.isEmpty() || value.length() > 256) {
            throw new IllegalArgumentException("not an audience");
        }
        return value;
    }

    private static long wholeNumber(String value, long min, long max) {
        long n = Long.parseLong(value);
        if (n < min || n > max) {
            throw new IllegalArgumentException("out of range");
        }
        return n;
    }

    private static Duration duration(String value, Duration min, Duration max) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("out of range");
        }
        return d;
    }

    private static String trustDomain(String value) {
        if (!TRUST_DOMAIN.matcher(value).matches()) {
            throw new IllegalArgumentException("not a trust domain name");
        }
        return value;
    }

    private static MandateException unknown(String name, String source) {
        String known = Arrays.stream(ConfigKey.values())
                .map(k -> source.equals("the environment") ? k.envVar() : k.key())
                .collect(Collectors.joining(", "));
        String hint = Arrays.stream(ConfigKey.values())
                .map(k -> source.equals("the environment") ? k.envVar() : k.key())
                .filter(k -> editDistance(k, name) <= 2)
                .findFirst()
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
        return new MandateException(
                ErrorCode.BAD_CONFIG,
                "unknown configuration key '" + name + "' in " + source + hint + "; known keys: " + known);
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

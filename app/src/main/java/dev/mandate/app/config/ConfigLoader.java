package dev.mandate.app.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
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

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

    private record Setting(String value, String source) {}

    private final Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);

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
        return new Config(
                parse(ConfigKey.LISTEN, HostPort::parse),
                parse(ConfigKey.DATA_DIR, Path::of),
                parse(ConfigKey.STORE_URL, ConfigLoader::storeUrl),
                text(ConfigKey.STORE_USER),
                text(ConfigKey.STORE_PASSWORD),
                parse(ConfigKey.STORE_MAX_POOL_SIZE, v -> (int) wholeNumber(v, 1, 200)),
                parse(ConfigKey.SHUTDOWN_TIMEOUT, v -> duration(v, Duration.ZERO, Duration.ofMinutes(10))),
                parse(ConfigKey.MAX_REQUEST_BYTES, v -> wholeNumber(v, 1024, 64L << 20)),
                parse(ConfigKey.TRUST_DOMAIN, ConfigLoader::trustDomain),
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
                                v -> duration(v, Duration.ofMillis(100), Duration.ofMinutes(10)))));
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
            default -> Duration.ofHours(n);
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

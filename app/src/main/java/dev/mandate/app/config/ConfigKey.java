package dev.mandate.app.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key Mandate knows, with its default and the rule its value must follow. The same key is
 * written {@code store.max-pool-size} in YAML (nested or dotted), {@code MANDATE_STORE_MAX_POOL_SIZE} in the
 * environment.
 */
public enum ConfigKey {
    /** Where the HTTP server listens. */
    LISTEN("listen", "127.0.0.1:8080", "host:port; port 0 picks a free port"),
    /** The data directory. */
    DATA_DIR("data-dir", "./data", "a directory Mandate can create and write"),
    /** An external store; empty means the embedded H2 file in the data directory. */
    STORE_URL("store.url", "", "empty for embedded H2, or a jdbc:h2: / jdbc:postgresql: URL"),
    /** The store user. */
    STORE_USER("store.user", "mandate", "a user name"),
    /** The store password. */
    STORE_PASSWORD("store.password", "", "the password (never printed)"),
    /** Store pool size. */
    STORE_MAX_POOL_SIZE("store.max-pool-size", "8", "a whole number from 1 to 200"),
    /** Graceful shutdown limit. */
    SHUTDOWN_TIMEOUT("server.shutdown-timeout", "10s", "a duration such as 500ms, 10s, 1m, from 0s to 10m"),
    /** Request size limit. */
    MAX_REQUEST_BYTES("server.max-request-bytes", "1048576", "a whole number of bytes from 1024 to 67108864"),
    /** The embedded trust domain. */
    TRUST_DOMAIN("trust-domain", "mandate.local", "a SPIFFE trust domain name: a-z 0-9 . - _"),
    /** The MCP gateway's upstreams and catalog. */
    GATEWAY_CONFIG(
            "gateway.config", "", "empty for no upstreams, or the path of a YAML file with upstreams and catalog"),
    /** Browser origins allowed at /mcp besides loopback ones. */
    GATEWAY_ALLOWED_ORIGINS(
            "gateway.allowed-origins", "", "comma-separated origins such as https://console.example.com"),
    /** Live MCP session limit. */
    GATEWAY_MAX_SESSIONS("gateway.max-sessions", "10000", "a whole number from 1 to 1000000"),
    /** MCP session idle expiry. */
    GATEWAY_SESSION_IDLE_TIMEOUT("gateway.session-idle-timeout", "30m", "a duration such as 90s, 30m, from 1s to 24h"),
    /** Largest JSON-RPC message at /mcp. */
    GATEWAY_MAX_MESSAGE_BYTES("gateway.max-message-bytes", "1048576", "a whole number of bytes from 1024 to 67108864"),
    /** Time limit of one upstream MCP request. */
    GATEWAY_UPSTREAM_TIMEOUT("gateway.upstream-timeout", "30s", "a duration such as 500ms, 30s, from 100ms to 10m");

    private final String key;
    private final String defaultValue;
    private final String rule;

    ConfigKey(String key, String defaultValue, String rule) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.rule = rule;
    }

    /**
     * Returns the key as written in YAML.
     *
     * @return e.g. {@code store.max-pool-size}
     */
    public String key() {
        return key;
    }

    /**
     * Returns the default value, as text.
     *
     * @return the default
     */
    public String defaultValue() {
        return defaultValue;
    }

    /**
     * Returns the rule the value must follow, for error messages and {@code --help}.
     *
     * @return the rule
     */
    public String rule() {
        return rule;
    }

    /**
     * Returns the environment variable that overrides this key.
     *
     * @return e.g. {@code MANDATE_STORE_MAX_POOL_SIZE}
     */
    public String envVar() {
        return "MANDATE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Finds a key by its YAML name.
     *
     * @param key the dotted name
     * @return the key, if known
     */
    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /**
     * Finds a key by its environment variable.
     *
     * @param envVar the variable name
     * @return the key, if known
     */
    public static Optional<ConfigKey> byEnvVar(String envVar) {
        return Arrays.stream(values()).filter(k -> k.envVar().equals(envVar)).findFirst();
    }
}

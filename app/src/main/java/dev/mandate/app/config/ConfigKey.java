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
    /** PostgreSQL replicas: the longest time between two polls of the change feed (a notification polls sooner). */
    STORE_REPLICAS_POLL_INTERVAL(
            "store.replicas.poll-interval",
            "1s",
            "a duration from 100ms to 1m; ignored by the embedded store, which serves one node"),
    /** PostgreSQL replicas: how old a replica's confirmed view may be before its checks fail closed. */
    STORE_REPLICAS_STALENESS_BOUND(
            "store.replicas.staleness-bound",
            "5s",
            "a duration from 1s to 10m, at least twice store.replicas.poll-interval; ignored by the embedded store"),
    /** Graceful shutdown limit. */
    SHUTDOWN_TIMEOUT("server.shutdown-timeout", "10s", "a duration such as 500ms, 10s, 1m, from 0s to 10m"),
    /** Request size limit. */
    MAX_REQUEST_BYTES("server.max-request-bytes", "1048576", "a whole number of bytes from 1024 to 67108864"),
    /** Where the optional TLS listener (mTLS with X.509-SVIDs) listens. */
    TLS_LISTEN("server.tls.listen", "", "empty for no TLS listener, or host:port; port 0 picks a free port"),
    /** The TLS listener's certificate chain. */
    TLS_CERT_FILE(
            "server.tls.cert-file",
            "",
            "empty for the node's own X.509-SVID from the embedded trust domain, or a PEM file: leaf first"),
    /** The TLS listener's private key. */
    TLS_KEY_FILE("server.tls.key-file", "", "empty, or a PEM PKCS#8 private key file; set exactly with cert-file"),
    /** Whether the TLS listener asks clients for a certificate. */
    TLS_CLIENT_AUTH("server.tls.client-auth", "want", "want (ask; agents without one use JWT-SVIDs) or need"),
    /** The embedded trust domain. */
    TRUST_DOMAIN("trust-domain", "mandate.local", "a SPIFFE trust domain name: a-z 0-9 . - _"),
    /** How long a retired signing key stays published: at least the longest lifetime of a token it signed. */
    KEYS_RETIRED_RETENTION("keys.retired-retention", "1h", "a duration from 1m to 30d, such as 15m or 1h"),
    /** Lifetime of a JWT-SVID the embedded trust domain issues. */
    SVID_JWT_TTL("svid.jwt-ttl", "5m", "a duration from 30s to 1h"),
    /** Lifetime of an X.509-SVID the embedded trust domain issues. */
    SVID_X509_TTL("svid.x509-ttl", "1h", "a duration from 1m to 24h"),
    /** Lifetime of an unused join token. */
    JOIN_TOKEN_TTL("svid.join-token-ttl", "10m", "a duration from 1m to 24h"),
    /** How far a presenter's clock may be off when times in tokens are checked. */
    CLOCK_SKEW("identity.clock-skew", "30s", "a duration from 0s to 5m"),
    /** Trust bundles of other SPIFFE trust domains. */
    TRUST_BUNDLE_DIR(
            "identity.trust-bundle-dir",
            "",
            "empty for none, or a directory of SPIFFE bundle files named <trust-domain>.json"),
    /** The OIDC issuer whose ID tokens identify human principals. */
    OIDC_ISSUER("oidc.issuer", "", "empty for none, or the issuer's exact 'iss' value (https://...)"),
    /** The OIDC issuer's keys. */
    OIDC_JWKS_FILE("oidc.jwks-file", "", "empty for none, or a JWKS file of the issuer's public keys"),
    /** More OIDC issuers, one file each. */
    OIDC_ISSUER_DIR(
            "oidc.issuer-dir",
            "",
            "empty for none, or a directory of *.json OpenID discovery documents ('issuer', 'jwks_uri' a file)"),
    /** The client id an ID token's audience must contain. */
    OIDC_AUDIENCE("oidc.audience", "mandate", "the client id ID tokens are issued to, 1-256 characters"),
    /** How deep mandates may be delegated. */
    MANDATE_MAX_DEPTH("mandate.max-depth", "4", "a whole number from 0 to 32"),
    /** The call budget of a root mandate. */
    MANDATE_DEFAULT_CALL_BUDGET("mandate.default-call-budget", "1000", "a whole number from 0 to 1000000"),
    /** Copilot tier: longest mandate ttl between heartbeats. */
    TIER_COPILOT_MAX_TTL("tier.copilot.max-ttl", "1h", "a duration from 1s to 30d"),
    /** Copilot tier: longest total mandate lifetime. */
    TIER_COPILOT_MAX_LIFETIME("tier.copilot.max-lifetime", "8h", "a duration from 1s to 30d, at least max-ttl"),
    /** Copilot tier: mandate token lifetime. */
    TIER_COPILOT_TOKEN_TTL("tier.copilot.token-ttl", "5m", "a duration from 1s to 1h"),
    /** Copilot tier: whether unbound (bearer) mandate tokens may be issued. */
    TIER_COPILOT_ALLOW_BEARER("tier.copilot.allow-bearer", "true", "true or false"),
    /** Autonomous tier: longest mandate ttl between heartbeats. */
    TIER_AUTONOMOUS_MAX_TTL("tier.autonomous.max-ttl", "15m", "a duration from 1s to 30d"),
    /** Autonomous tier: longest total mandate lifetime. */
    TIER_AUTONOMOUS_MAX_LIFETIME("tier.autonomous.max-lifetime", "4h", "a duration from 1s to 30d, at least max-ttl"),
    /** Autonomous tier: mandate token lifetime. */
    TIER_AUTONOMOUS_TOKEN_TTL("tier.autonomous.token-ttl", "5m", "a duration from 1s to 1h"),
    /** Autonomous tier: whether unbound (bearer) mandate tokens may be issued. */
    TIER_AUTONOMOUS_ALLOW_BEARER("tier.autonomous.allow-bearer", "false", "true or false"),
    /** How many audit events between signed checkpoints. */
    AUDIT_CHECKPOINT_EVERY("audit.checkpoint-every", "100", "a whole number from 1 to 1000000"),
    /** The OAuth issuer (iss of mandate tokens); empty means http://<listen address>. */
    OAUTH_ISSUER("oauth.issuer", "", "empty, or an http:// or https:// URL without query or fragment"),
    /** The audience (aud) of mandate tokens: the resource servers (gateway) that accept them. */
    OAUTH_AUDIENCE("oauth.audience", "mandate", "1-200 printable characters without spaces"),
    /** How far a DPoP proof's iat may be from now. */
    DPOP_IAT_WINDOW("dpop.iat-window", "60s", "a duration from 1s to 10m"),
    /** The most DPoP proof ids remembered against replay. */
    DPOP_REPLAY_CACHE_SIZE("dpop.replay-cache-size", "100000", "a whole number from 100 to 10000000"),
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

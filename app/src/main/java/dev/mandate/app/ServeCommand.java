package dev.mandate.app;

import dev.mandate.app.config.Config;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mandate serve}: runs a node until SIGTERM or Ctrl-C, then shuts down gracefully. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        header = "Run a Mandate node: REST control plane, OAuth endpoints, MCP gateway, console.",
        description = {
            "",
            "On first start it creates the data directory with an embedded H2 store,",
            "signing keys and the admin credential <data-dir>/admin.token (mode 0600).",
            "The control plane under /v1 wants it as 'Authorization: Bearer <token>'.",
            "GET /healthz answers once the node is up; GET /readyz while its store does",
            "(and, for a PostgreSQL replica, while its view is within the staleness bound).",
            "SIGTERM lets in-flight requests finish (server.shutdown-timeout), then",
            "closes the store.",
            "",
            "Configuration, later layers winning:",
            "  defaults < --config YAML file < MANDATE_* environment < flags",
            "Keys (YAML name, environment variable, default):",
            "  listen                   MANDATE_LISTEN            127.0.0.1:8080",
            "  data-dir                 MANDATE_DATA_DIR          ./data",
            "  store.url                MANDATE_STORE_URL         (embedded H2 file)",
            "  store.user               MANDATE_STORE_USER        mandate",
            "  store.password           MANDATE_STORE_PASSWORD    (empty)",
            "  store.max-pool-size      MANDATE_STORE_MAX_POOL_SIZE       8",
            "  store.replicas.poll-interval   MANDATE_STORE_REPLICAS_POLL_INTERVAL    1s",
            "  store.replicas.staleness-bound MANDATE_STORE_REPLICAS_STALENESS_BOUND  5s",
            "                           (PostgreSQL replicas: fail closed past the bound)",
            "  server.shutdown-timeout  MANDATE_SERVER_SHUTDOWN_TIMEOUT   10s",
            "  server.max-request-bytes MANDATE_SERVER_MAX_REQUEST_BYTES  1048576",
            "  server.tls.listen        MANDATE_SERVER_TLS_LISTEN (none; host:port of the mTLS listener)",
            "  server.tls.cert-file / .key-file   (the node's own X.509-SVID; or PEM files, both)",
            "  server.tls.client-auth   MANDATE_SERVER_TLS_CLIENT_AUTH    want (or need)",
            "  trust-domain             MANDATE_TRUST_DOMAIN      mandate.local",
            "  keys.retired-retention   MANDATE_KEYS_RETIRED_RETENTION    1h",
            "  svid.jwt-ttl             MANDATE_SVID_JWT_TTL      5m",
            "  svid.x509-ttl            MANDATE_SVID_X509_TTL     1h",
            "  svid.join-token-ttl      MANDATE_SVID_JOIN_TOKEN_TTL       10m",
            "  identity.clock-skew      MANDATE_IDENTITY_CLOCK_SKEW       30s",
            "  identity.trust-bundle-dir MANDATE_IDENTITY_TRUST_BUNDLE_DIR (none; <trust-domain>.json files)",
            "  oidc.issuer              MANDATE_OIDC_ISSUER       (none)",
            "  oidc.jwks-file           MANDATE_OIDC_JWKS_FILE    (none; required with oidc.issuer)",
            "  oidc.issuer-dir          MANDATE_OIDC_ISSUER_DIR   (none; OpenID discovery documents, *.json)",
            "  oidc.audience            MANDATE_OIDC_AUDIENCE     mandate",
            "  mandate.max-depth        MANDATE_MANDATE_MAX_DEPTH         4",
            "  mandate.default-call-budget  MANDATE_MANDATE_DEFAULT_CALL_BUDGET  1000",
            "  tier.copilot.max-ttl / .max-lifetime / .token-ttl / .allow-bearer",
            "                           1h / 8h / 5m / true",
            "  tier.autonomous.max-ttl / .max-lifetime / .token-ttl / .allow-bearer",
            "                           15m / 4h / 5m / false",
            "  audit.checkpoint-every   MANDATE_AUDIT_CHECKPOINT_EVERY    100",
            "  oauth.issuer             MANDATE_OAUTH_ISSUER      (http://<listen>)",
            "  oauth.audience           MANDATE_OAUTH_AUDIENCE    mandate",
            "  dpop.iat-window          MANDATE_DPOP_IAT_WINDOW   60s",
            "  dpop.replay-cache-size   MANDATE_DPOP_REPLAY_CACHE_SIZE    100000",
            "Unknown keys and bad values stop start-up with a message naming the key",
            "and the rule it broke (exit code 78).",
            ""
        },
        footer = {"", "Example:", "  mandate serve --listen 127.0.0.1:0 --data-dir /tmp/mandate-dev"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "<file>",
            description = "YAML configuration file (keys as listed above, nested or dotted).")
    @Nullable
    Path configFile;

    @Option(
            names = "--listen",
            paramLabel = "<host:port>",
            description = "Address to listen on; port 0 picks a free port. Default 127.0.0.1:8080.")
    @Nullable
    String listen;

    @Option(
            names = "--data-dir",
            paramLabel = "<dir>",
            description = "Data directory (store, keys, admin token). Default ./data.")
    @Nullable
    String dataDir;

    private final Map<String, String> env;

    ServeCommand() {
        this(System.getenv());
    }

    ServeCommand(Map<String, String> env) {
        this.env = env;
        this.spec = CommandSpec.create();
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        if (listen != null) {
            flags.put(ConfigKey.LISTEN, listen);
        }
        if (dataDir != null) {
            flags.put(ConfigKey.DATA_DIR, dataDir);
        }
        Config config = ConfigLoader.load(configFile, env, flags);
        MandateNode node = MandateNode.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                node.close();
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "mandate-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("mandate " + Version.current() + " listening on http://" + hostForUrl(config) + ":" + node.port()
                + " (data dir " + node.dataDir() + ", store "
                + (config.storeUrl() == null ? "embedded H2" : "external") + ")");
        out.flush();
        stopped.await();
        return 0;
    }

    private static String hostForUrl(Config config) {
        String host = config.listen().host();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}

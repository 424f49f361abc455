package dev.mandate.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jose.jwk.KeyUse;
import dev.mandate.app.config.Config;
import dev.mandate.app.http.AdminToken;
import dev.mandate.app.http.HttpServer;
import dev.mandate.app.http.MetricsRoutes;
import dev.mandate.app.lease.LeaseMetrics;
import dev.mandate.app.lease.LeaseModule;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.keys.RotatingSigningKeys;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.gateway.McpGateway;
import dev.mandate.store.Database;
import dev.mandate.store.JdbcAgentDirectory;
import dev.mandate.store.JdbcKeyRepository;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A running Mandate node and the composition root: the one place that builds every part and wires them together by
 * hand, in dependency order, and closes them in reverse.
 */
public final class MandateNode implements AutoCloseable {
    private final Config config;
    private final Path dataDir;
    private final Database database;
    private final HttpServer http;
    private final RotatingSigningKeys signingKeys;
    private final AgentRegistry agents;
    private final MandatePart mandatePart;
    private final LeaseModule leases;
    private final McpGateway gateway;

    private MandateNode(
            Config config,
            Path dataDir,
            Database database,
            HttpServer http,
            RotatingSigningKeys signingKeys,
            AgentRegistry agents,
            MandatePart mandatePart,
            LeaseModule leases,
            McpGateway gateway) {
        this.mandatePart = mandatePart;
        this.config = config;
        this.dataDir = dataDir;
        this.database = database;
        this.http = http;
        this.signingKeys = signingKeys;
        this.agents = agents;
        this.leases = leases;
        this.gateway = gateway;
    }

    /**
     * Builds and starts a node: data directory, store (migrated), admin token, signing keys (created on first
     * start), HTTP server.
     *
     * @param config the validated configuration
     * @return the running node
     * @throws dev.mandate.core.MandateException with {@code BAD_CONFIG} or {@code UNAVAILABLE} naming what is wrong;
     *     nothing is left running when it is thrown
     */
    public static MandateNode start(Config config) {
        return start(config, null);
    }

    /**
     * Builds and starts a node with a given JWT-SVID verifier (tests use a fake one).
     *
     * @param config the validated configuration
     * @param workloads verifies agents' JWT-SVIDs, or null for the node's own
     * @return the running node
     */
    static MandateNode start(Config config, dev.mandate.core.oauth.@Nullable WorkloadAuthenticator workloads) {
        Path dataDir = DataDirectory.prepare(config.dataDir());
        AdminToken adminToken = AdminToken.loadOrCreate(dataDir);
        String storeUrl = config.storeUrl();
        Database database = storeUrl == null
                ? Database.openEmbedded(dataDir)
                : Database.open(storeUrl, config.storeUser(), config.storePassword(), config.storeMaxPoolSize());
        @Nullable LeaseModule leases = null;
        @Nullable MandatePart mandatePart = null;
        @Nullable McpGateway gateway = null;
        try {
            Clock clock = Clock.systemUTC();
            LateSigningKeys lateKeys = new LateSigningKeys();
            AuditLog audit = MandatePart.openAudit(database, lateKeys, clock, config.mandates());
            RotatingSigningKeys signingKeys = RotatingSigningKeys.open(
                    new JdbcKeyRepository(database),
                    "mandate",
                    KeyUse.SIGNATURE,
                    clock,
                    config.keysRetiredRetention(),
                    audit);
            lateKeys.set(signingKeys);
            ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
            gateway = GatewayWiring.build(config, json, Version.current());
            List<dev.mandate.app.http.RouteGroup> groups = new ArrayList<>();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            groups.add(new MetricsRoutes(metrics));
            groups.add(new StatusRoutes(config, Version.current()));
            groups.add(new KeyRoutes(signingKeys));
            AgentRegistry agents =
                    new AgentRegistry(new JdbcAgentDirectory(database), audit, clock, config.trustDomain());
            groups.add(new AgentRoutes(agents));
            java.util.concurrent.atomic.AtomicReference<HttpServer> httpRef =
                    new java.util.concurrent.atomic.AtomicReference<>();
            mandatePart = new MandatePart(
                    config,
                    database,
                    audit,
                    signingKeys,
                    agents,
                    clock,
                    adminToken,
                    () -> java.util.Objects.requireNonNull(httpRef.get(), "started")
                            .port(),
                    workloads);
            groups.addAll(mandatePart.routes());
            leases = LeaseModule.start(config.credentials(), database, audit, signingKeys, "mandate", clock);
            mandatePart.mandates().addEndListener(leases.manager());
            LeaseMetrics.bind(metrics, leases.manager());
            groups.add(leases.routes());
            groups.add(gateway::register);
            HttpServer http = HttpServer.start(
                    new HttpServer.Settings(
                            config.listen(), config.shutdownTimeout(), config.maxRequestBytes(), json, adminToken),
                    database::isReady,
                    groups);
            httpRef.set(http);
            return new MandateNode(config, dataDir, database, http, signingKeys, agents, mandatePart, leases, gateway);
        } catch (RuntimeException e) {
            if (gateway != null) {
                gateway.close();
            }
            if (leases != null) {
                leases.close();
            }
            if (mandatePart != null) {
                mandatePart.close();
            }
            database.close();
            throw e;
        }
    }

    /**
     * Returns the port the HTTP server listens on.
     *
     * @return the port
     */
    public int port() {
        return http.port();
    }

    /**
     * Returns the data directory in use, absolute.
     *
     * @return the data directory
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Returns Mandate's signing keys: they sign mandate tokens and audit checkpoints; their JWKS is public.
     *
     * @return the key set
     */
    public SigningKeys signingKeys() {
        return signingKeys;
    }

    /**
     * Returns the agent registry: registered agents, their changes audited.
     *
     * @return the registry
     */
    public AgentRegistry agents() {
        return agents;
    }

    /**
     * Returns the lease manager; it is also the {@code MandateEndListener} that revokes a mandate's leases.
     *
     * @return the lease manager
     */
    public LeaseManager leases() {
        return leases.manager();
    }

    /**
     * Returns the configuration the node runs with.
     *
     * @return the configuration
     */
    public Config config() {
        return config;
    }

    /**
     * Returns the mandates of this node; the leases part hangs its {@code MandateEndListener} here.
     *
     * @return the registry
     */
    public MandateRegistry mandates() {
        return mandatePart.mandates();
    }

    /**
     * Returns the hash-chained audit log, the node's one {@code AuditSink}.
     *
     * @return the log
     */
    public AuditLog audit() {
        return mandatePart.audit();
    }

    /**
     * Ends MCP sessions (so their streams let the HTTP server stop), stops the HTTP server (in-flight requests
     * finish), revokes nothing but stops lease timers, signs a last audit checkpoint, then closes the store.
     */
    @Override
    public void close() {
        try {
            gateway.close();
            http.close();
        } finally {
            try {
                leases.close();
            } finally {
                try {
                    mandatePart.close();
                } finally {
                    database.close();
                }
            }
        }
    }
}

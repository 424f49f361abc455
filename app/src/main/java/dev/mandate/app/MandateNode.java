package dev.mandate.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.app.config.Config;
import dev.mandate.app.http.AdminToken;
import dev.mandate.app.http.HttpServer;
import dev.mandate.app.http.MetricsRoutes;
import dev.mandate.app.policy.ApprovalRoutes;
import dev.mandate.app.policy.PolicyRoutes;
import dev.mandate.app.policy.PolicyServices;
import dev.mandate.gateway.McpGateway;
import dev.mandate.store.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A running Mandate node and the composition root: the one place that builds every part and wires them together by
 * hand, in dependency order, and closes them in reverse.
 */
public final class MandateNode implements AutoCloseable {
    private final Config config;
    private final Path dataDir;
    private final Database database;
    private final HttpServer http;
    private final McpGateway gateway;
    private final PolicyServices policies;

    private MandateNode(
            Config config,
            Path dataDir,
            Database database,
            HttpServer http,
            McpGateway gateway,
            PolicyServices policies) {
        this.config = config;
        this.dataDir = dataDir;
        this.database = database;
        this.http = http;
        this.gateway = gateway;
        this.policies = policies;
    }

    /**
     * Builds and starts a node: data directory, store (migrated), admin token, HTTP server.
     *
     * @param config the validated configuration
     * @return the running node
     * @throws dev.mandate.core.MandateException with {@code BAD_CONFIG} or {@code UNAVAILABLE} naming what is wrong;
     *     nothing is left running when it is thrown
     */
    public static MandateNode start(Config config) {
        Path dataDir = DataDirectory.prepare(config.dataDir());
        AdminToken adminToken = AdminToken.loadOrCreate(dataDir);
        String storeUrl = config.storeUrl();
        Database database = storeUrl == null
                ? Database.openEmbedded(dataDir)
                : Database.open(storeUrl, config.storeUser(), config.storePassword(), config.storeMaxPoolSize());
        McpGateway gateway = null;
        PolicyServices policies = null;
        try {
            ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
            policies = PolicyServices.inDataDirectory(dataDir, InstantSource.system());
            gateway = GatewayWiring.build(config, json, Version.current());
            List<dev.mandate.app.http.RouteGroup> groups = new ArrayList<>();
            groups.add(new MetricsRoutes(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
            groups.add(new StatusRoutes(config, Version.current()));
            groups.add(gateway::register);
            groups.add(new PolicyRoutes(policies, json, InstantSource.system()));
            groups.add(new ApprovalRoutes(policies.approvals(), json));
            HttpServer http = HttpServer.start(
                    new HttpServer.Settings(
                            config.listen(), config.shutdownTimeout(), config.maxRequestBytes(), json, adminToken),
                    database::isReady,
                    groups);
            return new MandateNode(config, dataDir, database, http, gateway, policies);
        } catch (RuntimeException e) {
            if (gateway != null) {
                gateway.close();
            }
            if (policies != null) {
                policies.close();
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
     * Returns the configuration the node runs with.
     *
     * @return the configuration
     */
    public Config config() {
        return config;
    }

    /** Ends MCP sessions (so their streams let the HTTP server stop), stops the HTTP server, closes the store. */
    @Override
    public void close() {
        try {
            gateway.close();
            http.close();
        } finally {
            policies.close();
            database.close();
        }
    }
}

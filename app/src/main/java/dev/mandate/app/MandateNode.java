package dev.mandate.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.app.config.Config;
import dev.mandate.app.http.AdminToken;
import dev.mandate.app.http.HttpServer;
import dev.mandate.app.http.MetricsRoutes;
import dev.mandate.app.lease.LeaseMetrics;
import dev.mandate.app.lease.LeaseModule;
import dev.mandate.app.policy.ApprovalRoutes;
import dev.mandate.app.policy.PolicyRoutes;
import dev.mandate.app.policy.PolicyServices;
import dev.mandate.app.visibility.RevocationMeter;
import dev.mandate.app.visibility.Visibility;
import dev.mandate.app.visibility.VisibilityMetrics;
import dev.mandate.app.visibility.VisibilityRoutes;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.EmbeddedTrustDomain;
import dev.mandate.core.identity.PrincipalVerifier;
import dev.mandate.core.identity.WorkloadVerifier;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.oauth.WorkloadAuthenticator;
import dev.mandate.core.posture.PostureSettings;
import dev.mandate.gateway.GatewayConfig;
import dev.mandate.gateway.McpGateway;
import dev.mandate.gateway.credential.LeaseInjector;
import dev.mandate.gateway.policy.CedarCallDecider;
import dev.mandate.gateway.policy.DriftSettings;
import dev.mandate.gateway.policy.UpstreamTools;
import dev.mandate.store.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
    private final Identity identity;
    private final MandatePart mandatePart;
    private final LeaseModule leases;
    private final McpGateway gateway;
    private final ReplicaPart replicas;
    private final PolicyServices policies;

    private MandateNode(
            Config config,
            Path dataDir,
            Database database,
            HttpServer http,
            Identity identity,
            MandatePart mandatePart,
            LeaseModule leases,
            McpGateway gateway,
            PolicyServices policies,
            ReplicaPart replicas) {
        this.replicas = replicas;
        this.mandatePart = mandatePart;
        this.leases = leases;
        this.gateway = gateway;
        this.policies = policies;
        this.config = config;
        this.dataDir = dataDir;
        this.database = database;
        this.http = http;
        this.identity = identity;
    }

    /**
     * Builds and starts a node: data directory, store (migrated), admin token, identity (signing keys, embedded
     * trust domain's CA and keys, all created on first start; agents; verifiers), mandates and the audit log, leases
     * (restored: what expired while down is revoked), the MCP gateway, HTTP server.
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
     * Builds and starts a node with a stand-in JWT-SVID verifier for the token endpoint (tests use a fake one).
     *
     * @param config the validated configuration
     * @param workloads verifies agents' JWT-SVIDs at the token endpoint, or null for the node's own verifier
     * @return the running node
     */
    static MandateNode start(Config config, @Nullable WorkloadAuthenticator workloads) {
        Path dataDir = DataDirectory.prepare(config.dataDir());
        AdminToken adminToken = AdminToken.loadOrCreate(dataDir);
        String storeUrl = config.storeUrl();
        Database database = storeUrl == null
                ? Database.openEmbedded(dataDir)
                : Database.open(storeUrl, config.storeUser(), config.storePassword(), config.storeMaxPoolSize());
        @Nullable MandatePart mandatePart = null;
        @Nullable LeaseModule leases = null;
        @Nullable McpGateway gateway = null;
        @Nullable PolicyServices policies = null;
        @Nullable ReplicaPart replicas = null;
        try {
            Clock clock = Clock.systemUTC();
            // Before the registry loads: the feed's first poll then covers whatever the load misses.
            replicas = ReplicaPart.open(database, config.replicas(), clock);
            LateSigningKeys lateKeys = new LateSigningKeys();
            AuditLog audit = MandatePart.openAudit(database, lateKeys, clock, config.mandates());
            Identity identity = Identity.build(config, database, audit, clock);
            lateKeys.set(identity.signingKeys());
            ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
            GatewayConfig gatewayConfig = GatewayWiring.readConfig(config);
            UpstreamTools upstreamTools = new UpstreamTools(
                    gatewayConfig.catalog(), gatewayConfig.upstreams().keySet());
            policies = PolicyServices.inDataDirectory(dataDir, InstantSource.system(), upstreamTools, audit);
            List<dev.mandate.app.http.RouteGroup> groups = new ArrayList<>();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            groups.add(new MetricsRoutes(metrics));
            policies.bindMetrics(metrics);
            groups.add(new StatusRoutes(config, Version.current()));
            groups.add(new dev.mandate.app.console.ConsoleRoutes());
            groups.add(dev.mandate.app.console.EventRoutes.over(audit, json));
            groups.addAll(identity.routes());
            AtomicReference<HttpServer> started = new AtomicReference<>();
            mandatePart = new MandatePart(
                    config,
                    database,
                    audit,
                    identity,
                    clock,
                    adminToken,
                    () -> Objects.requireNonNull(started.get(), "the server has started")
                            .port(),
                    workloads);
            groups.addAll(mandatePart.routes());
            replicas.start(mandatePart.mandates(), identity.signingKeys(), identity.trustDomain());
            leases = LeaseModule.start(config.credentials(), database, audit, identity.signingKeys(), "mandate", clock);
            mandatePart.mandates().addEndListener(leases.manager());
            LeaseMetrics.bind(metrics, leases.manager());
            groups.add(leases.routes());
            MandateRegistry registry = mandatePart.mandates();
            GatewayAccess access =
                    new GatewayAccess(mandatePart.tokens(), mandatePart.dpop(), registry, identity.agents());
            CedarCallDecider decider = new CedarCallDecider(
                    policies.engine(),
                    policies.approvals(),
                    access,
                    DriftSettings.DEFAULTS,
                    (mandateId, why) -> registry.revoke(mandateId, "drift: " + why, "system"),
                    upstreamTools::inputType);
            registry.addEndListener(access);
            registry.addFlowLabelsListener(access);
            registry.addEndListener(decider);
            LeaseInjector injector = new LeaseInjector(leases.manager(), access, clock);
            gateway = GatewayWiring.build(
                    config,
                    gatewayConfig,
                    json,
                    Version.current(),
                    access,
                    VisibilityMetrics.timedDecider(decider, metrics),
                    VisibilityMetrics.timedAudit(audit, metrics),
                    upstreamTools,
                    injector);
            registry.addEndListener(injector);
            registry.addEndListener(gateway);
            groups.add(gateway::register);
            groups.add(new PolicyRoutes(
                    policies,
                    new dev.mandate.app.policy.AuthorizeSources(
                            access,
                            registry::checkLive,
                            access::flowLabels,
                            gatewayConfig::catalog,
                            upstreamTools::inputType),
                    json,
                    InstantSource.system()));
            groups.add(new ApprovalRoutes(policies.approvals(), json, audit));
            RevocationMeter revocations = new RevocationMeter(registry, identity.agents(), leases.manager(), metrics);
            groups.add(revocations);
            VisibilityMetrics.bindMandates(metrics, registry, clock);
            groups.add(new VisibilityRoutes(new Visibility(
                    identity.agents(),
                    registry,
                    leases.manager(),
                    gatewayConfig::catalog,
                    policies.engine(),
                    audit,
                    revocations,
                    GatewayWiring.sharedSecretBackends(config),
                    java.util.Set::of,
                    PostureSettings.DEFAULTS,
                    clock)));
            HttpServer http = HttpServer.start(
                    new HttpServer.Settings(
                            config.listen(),
                            config.shutdownTimeout(),
                            config.maxRequestBytes(),
                            json,
                            adminToken,
                            IdentityFiles.tls(config, identity.trustDomain())),
                    readiness(database, replicas),
                    groups);
            // After a CA rotation (here or learned from the store) the listener moves to the new root at once.
            identity.trustDomain().onCaRotated(http::renewTlsCertificate);
            started.set(http);
            return new MandateNode(
                    config, dataDir, database, http, identity, mandatePart, leases, gateway, policies, replicas);
        } catch (RuntimeException e) {
            if (replicas != null) {
                replicas.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            if (policies != null) {
                policies.close();
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

    /** Ready when the store answers and, for a replica, its view of mandates is within the staleness bound. */
    private static java.util.function.BooleanSupplier readiness(Database database, ReplicaPart replicas) {
        return () -> replicas.isCurrent() && database.isReady();
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
     * Returns the port of the TLS listener ({@code server.tls.listen}).
     *
     * @return the port, or -1 when no TLS listener is configured
     */
    public int tlsPort() {
        return http.tlsPort();
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
        return identity.signingKeys();
    }

    /**
     * Returns the agent registry: registered agents, their changes audited.
     *
     * @return the registry
     */
    public AgentRegistry agents() {
        return identity.agents();
    }

    /**
     * Returns the verifier of workload identities: JWT-SVIDs and X.509-SVIDs of the embedded trust domain and of every
     * trust domain configured under {@code identity.trust-bundle-dir}.
     *
     * @return the verifier
     */
    public WorkloadVerifier workloadVerifier() {
        return identity.workloads();
    }

    /**
     * Returns the verifier of OIDC ID tokens of human principals, if an issuer is configured.
     *
     * @return the verifier, or empty when {@code oidc.issuer} is not set
     */
    public Optional<PrincipalVerifier> principalVerifier() {
        return Optional.ofNullable(identity.principals());
    }

    /**
     * Returns the embedded SPIFFE trust domain (join tokens, SVID issuance, its bundle).
     *
     * @return the trust domain
     */
    public EmbeddedTrustDomain trustDomain() {
        return identity.trustDomain();
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
     * finish), stops the lease timers (leases stay live until their TTL or the next start's restore), signs a last
     * audit checkpoint, then closes the store.
     */
    @Override
    public void close() {
        try {
            gateway.close();
            http.close();
        } finally {
            try {
                replicas.close();
                leases.close();
            } finally {
                try {
                    mandatePart.close();
                } finally {
                    try {
                        policies.close();
                    } finally {
                        database.close();
                    }
                }
            }
        }
    }
}

package dev.mandate.app;

import dev.mandate.app.config.Config;
import dev.mandate.app.config.MandateSettings;
import dev.mandate.app.http.AdminToken;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.core.mandate.AuditedMandateStore;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.oauth.AgentGrant;
import dev.mandate.core.oauth.DpopVerifier;
import dev.mandate.core.oauth.MandateTokens;
import dev.mandate.core.oauth.TokenExchange;
import dev.mandate.core.oauth.WorkloadAuthenticator;
import dev.mandate.store.Database;
import dev.mandate.store.JdbcAuditStore;
import dev.mandate.store.JdbcMandateStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mandate half of the composition root: the audit log, the mandate registry with its expiry sweeper, mandate
 * tokens, DPoP, token exchange, and their routes. Built in two steps because the audit log must exist before anything
 * that records into it.
 */
final class MandatePart implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MandatePart.class);

    private final AuditLog audit;
    private final MandateRegistry mandates;
    private final MandateTokens tokens;
    private final DpopVerifier dpop;
    private final List<RouteGroup> routes;
    private final ScheduledExecutorService sweeper;
    private final java.util.concurrent.ScheduledFuture<?> sweeping;

    /**
     * Opens the audit log over the store; checkpoints are signed by {@code keys} once they are set.
     *
     * @param db the store
     * @param keys the signing keys, possibly not loaded yet
     * @param clock the time source
     * @param settings the settings
     * @return the log
     */
    static AuditLog openAudit(Database db, SigningKeys keys, Clock clock, MandateSettings settings) {
        return new AuditLog(new JdbcAuditStore(db), keys, clock, settings.auditCheckpointEvery());
    }

    MandatePart(
            Config config,
            Database db,
            AuditLog audit,
            Identity identity,
            Clock clock,
            AdminToken adminToken,
            IntSupplier port,
            @Nullable WorkloadAuthenticator workloads) {
        MandateSettings s = config.mandates();
        SigningKeys keys = identity.signingKeys();
        AgentRegistry agents = identity.agents();
        this.audit = audit;
        this.mandates = new MandateRegistry(
                // A new mandate's row is written with its audit event, in the audit log's transaction, which the
                // exchanges opening mandates at the same moment share (group commit).
                new AuditedMandateStore(new JdbcMandateStore(db), audit),
                audit,
                clock,
                s.limits(),
                (id, e) -> LOG.error("a mandate listener (end or flow labels) failed for mandate {}", id, e));
        agents.onDisabled(a -> mandates.revokeDisabledAgent(a.id(), "agent disabled", "admin"));
        String configured = s.oauthIssuer();
        String host = config.listen().host().indexOf(':') >= 0
                ? "[" + config.listen().host() + "]"
                : config.listen().host();
        java.util.function.Supplier<String> issuer =
                () -> configured != null ? configured : "http://" + host + ":" + port.getAsInt();
        this.tokens = new MandateTokens(keys, clock, issuer, s.oauthAudience());
        this.dpop = new DpopVerifier(clock, s.dpopIatWindow(), s.dpopReplayCacheSize());
        // An agent's JWT-SVID for the token endpoint names this authorization server (its issuer) as audience.
        WorkloadAuthenticator verifier = workloads != null
                ? workloads
                : svid -> identity.workloads().verifyJwtSvid(svid, issuer.get()).id();
        dev.mandate.core.identity.PrincipalVerifier oidc = identity.principals();
        dev.mandate.core.oauth.PrincipalVerifier principals = oidc == null
                ? null
                : idToken -> {
                    dev.mandate.core.identity.VerifiedPrincipal p = oidc.verifyIdToken(idToken);
                    return dev.mandate.core.oauth.Principal.of(p.issuer() + "#" + p.subject(), p.clearance());
                };
        TokenExchange exchange = new TokenExchange(
                mandates,
                tokens,
                verifier,
                id -> agents.find(id).map(a -> new AgentGrant(a.id(), a.tier(), a.purposes(), a.isActive())),
                principals,
                s.defaultCallBudget());
        this.routes = List.of(
                new AuditRoutes(audit),
                new MandateRoutes(mandates, agents, exchange),
                new TokenEndpoint(exchange, tokens, dpop),
                new OAuthRoutes(
                        exchange,
                        tokens,
                        dpop,
                        adminToken,
                        config.tls().listen() == null ? null : new TlsClientAuth(identity.workloads())));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mandate-expiry");
            t.setDaemon(true);
            return t;
        });
        this.sweeping = sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    private void sweep() {
        try {
            mandates.expireDue();
        } catch (RuntimeException e) {
            LOG.warn("expiring mandates failed; checks treat them as expired regardless: {}", e.getMessage());
        }
    }

    List<RouteGroup> routes() {
        return routes;
    }

    MandateRegistry mandates() {
        return mandates;
    }

    AuditLog audit() {
        return audit;
    }

    /** Verifies mandate tokens, for resource servers such as the MCP gateway. */
    MandateTokens tokens() {
        return tokens;
    }

    /** Verifies DPoP proofs; one replay cache serves every resource this node guards. */
    DpopVerifier dpop() {
        return dpop;
    }

    /** Stops the sweeper and signs a final checkpoint. */
    @Override
    public void close() {
        sweeping.cancel(false);
        sweeper.shutdownNow();
        try {
            audit.checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("could not sign a final audit checkpoint: {}", e.getMessage());
        }
    }
}

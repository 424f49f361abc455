package dev.mandate.app;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import dev.mandate.app.config.Config;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.identity.AgentDirectory;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.CachedAgentDirectory;
import dev.mandate.core.identity.CachingWorkloadVerifier;
import dev.mandate.core.identity.EmbeddedTrustDomain;
import dev.mandate.core.identity.OidcIdTokenVerifier;
import dev.mandate.core.identity.OidcIssuer;
import dev.mandate.core.identity.PrincipalVerifier;
import dev.mandate.core.identity.SpiffeWorkloadVerifier;
import dev.mandate.core.identity.TrustBundleSource;
import dev.mandate.core.identity.WorkloadVerifier;
import dev.mandate.core.keys.RotatingSigningKeys;
import dev.mandate.store.Database;
import dev.mandate.store.JdbcAgentDirectory;
import dev.mandate.store.JdbcJoinTokenRepository;
import dev.mandate.store.JdbcKeyRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The identity layer of a node, wired: Mandate's signing keys, the agent registry, the embedded trust domain, and the
 * verifiers of workload (SVID) and principal (OIDC) identities other parts call.
 *
 * @param signingKeys Mandate's own rotating signing keys (mandate tokens, checkpoints)
 * @param agents the agent registry
 * @param trustDomain the embedded SPIFFE trust domain
 * @param workloads verifies JWT-SVIDs and X.509-SVIDs of the embedded and the configured trust domains
 * @param principals verifies OIDC ID tokens, or null when no issuer is configured
 */
record Identity(
        RotatingSigningKeys signingKeys,
        AgentRegistry agents,
        EmbeddedTrustDomain trustDomain,
        WorkloadVerifier workloads,
        @Nullable PrincipalVerifier principals) {

    /** The key set that signs mandate tokens and audit checkpoints. */
    static final String SIGNING_KEY_SET = "mandate";

    static Identity build(Config config, Database database, AuditSink audit, Clock clock) {
        JdbcKeyRepository keys = new JdbcKeyRepository(database);
        RotatingSigningKeys signingKeys = RotatingSigningKeys.open(
                keys,
                SIGNING_KEY_SET,
                KeyUse.SIGNATURE,
                JWSAlgorithm.EdDSA,
                clock,
                config.keysRetiredRetention(),
                audit);
        AgentDirectory directory = new JdbcAgentDirectory(database);
        // Every exchange and gateway call reads its agent. Only this process changes the embedded store, so agents are
        // kept in memory there; replicas sharing PostgreSQL read the store so that a disable anywhere holds at once.
        AgentRegistry agents = new AgentRegistry(
                config.storeUrl() == null ? new CachedAgentDirectory(directory) : directory,
                audit,
                clock,
                config.trustDomain());
        EmbeddedTrustDomain trustDomain = EmbeddedTrustDomain.open(
                new EmbeddedTrustDomain.Settings(
                        config.trustDomain(),
                        config.svidJwtTtl(),
                        config.svidX509Ttl(),
                        config.joinTokenTtl(),
                        config.keysRetiredRetention(),
                        config.clockSkew()),
                keys,
                new JdbcJoinTokenRepository(database),
                agents,
                audit,
                clock);
        TrustBundleSource bundles = TrustBundleSource.firstOf(
                List.of(trustDomain, TrustBundleSource.of(IdentityFiles.trustBundles(config))));
        List<OidcIssuer> issuers = IdentityFiles.oidcIssuers(config);
        return new Identity(
                signingKeys,
                agents,
                trustDomain,
                // Agents present the same JWT-SVID for every mandate they open; verify its signature once a minute.
                new CachingWorkloadVerifier(
                        new SpiffeWorkloadVerifier(bundles, clock, config.clockSkew()), clock, Duration.ofMinutes(1)),
                issuers.isEmpty() ? null : new OidcIdTokenVerifier(issuers, clock, config.clockSkew()));
    }

    List<RouteGroup> routes() {
        return List.of(new KeyRoutes(signingKeys), new AgentRoutes(agents), new IdentityRoutes(trustDomain));
    }
}

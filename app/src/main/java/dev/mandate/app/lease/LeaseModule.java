package dev.mandate.app.lease;

import dev.mandate.app.config.CredentialsConfig;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.credential.CredentialBackend;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.RevocationBackoff;
import dev.mandate.core.credential.Secret;
import dev.mandate.core.credential.SharedAccount;
import dev.mandate.core.credential.SharedSecretBackend;
import dev.mandate.core.credential.SignedTokenBackend;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.store.Database;
import dev.mandate.store.credential.AdminPool;
import dev.mandate.store.credential.JdbcLeaseStore;
import dev.mandate.store.credential.PostgresPasswordRotation;
import dev.mandate.store.credential.PostgresRoleBackend;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease part of a node: the configured backends, the lease manager over the store (restored at start: what expired
 * while the node was down is revoked now), a scheduler that runs expiry and revocation retries, and the REST routes.
 */
public final class LeaseModule implements AutoCloseable {
    /** How often the scheduler asks the manager for due work; expiry is at most this late. */
    public static final long TICK_MILLIS = 250;

    private static final Logger LOG = LoggerFactory.getLogger(LeaseModule.class);

    private final LeaseManager manager;
    private final List<AutoCloseable> resources;
    private final ScheduledExecutorService scheduler;
    private final ScheduledFuture<?> ticking;

    private LeaseModule(
            LeaseManager manager,
            List<AutoCloseable> resources,
            ScheduledExecutorService scheduler,
            ScheduledFuture<?> ticking) {
        this.manager = manager;
        this.resources = resources;
        this.scheduler = scheduler;
        this.ticking = ticking;
    }

    /**
     * Builds the backends, restores the leases and starts the expiry scheduler.
     *
     * @param config the configured backends
     * @param database the store
     * @param audit where lease events are recorded
     * @param signingKeys Mandate's signing keys, needed by signed-token backends; null if the node has none yet
     * @param issuer the {@code iss} of signed downstream tokens
     * @param clock the time source
     * @return the running module
     * @throws MandateException with {@code BAD_CONFIG} naming the key of a bad backend or scope template, or of a
     *     backend that live leases still need; {@code UNAVAILABLE} if the store is down
     */
    public static LeaseModule start(
            CredentialsConfig config,
            Database database,
            AuditSink audit,
            @Nullable SigningKeys signingKeys,
            String issuer,
            Clock clock) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            List<CredentialBackend> backends = new ArrayList<>();
            for (CredentialsConfig.Backend spec : config.backends()) {
                backends.add(build(spec, audit, signingKeys, issuer, clock, resources));
            }
            LeaseManager manager =
                    new LeaseManager(new JdbcLeaseStore(database), backends, audit, clock, RevocationBackoff.DEFAULT);
            int restored = manager.restore();
            LOG.info(
                    "leases: {} backends {}, {} active leases restored",
                    backends.size(),
                    manager.backendNames(),
                    restored);
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mandate-lease-expiry");
                t.setDaemon(true);
                return t;
            });
            ScheduledFuture<?> ticking = scheduler.scheduleWithFixedDelay(
                    () -> tick(manager), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            return new LeaseModule(manager, resources, scheduler, ticking);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static CredentialBackend build(
            CredentialsConfig.Backend spec,
            AuditSink audit,
            @Nullable SigningKeys signingKeys,
            String issuer,
            Clock clock,
            List<AutoCloseable> resources) {
        return switch (spec) {
            case CredentialsConfig.PostgresRole pg -> {
                PostgresRoleBackend backend =
                        PostgresRoleBackend.open(pg.name(), pg.url(), pg.user(), secret(pg.password()), pg.scopes());
                resources.add(backend);
                yield backend;
            }
            case CredentialsConfig.SharedPostgres shared -> {
                AdminPool admin = AdminPool.open(shared.name(), shared.url(), shared.user(), secret(shared.password()));
                resources.add(admin);
                List<SharedAccount> accounts = new ArrayList<>();
                for (Map.Entry<String, String> a : shared.accounts().entrySet()) {
                    String key = "credentials.backends." + shared.name() + ".accounts." + a.getKey();
                    try {
                        accounts.add(new SharedAccount(
                                a.getKey(),
                                Map.of("username", a.getValue(), "url", shared.url()),
                                new PostgresPasswordRotation(admin.dataSource(), a.getValue())));
                    } catch (IllegalArgumentException | MandateException e) {
                        throw new MandateException(ErrorCode.BAD_CONFIG, key + ": " + e.getMessage(), e);
                    }
                }
                yield new SharedSecretBackend(shared.name(), accounts, audit);
            }
            case CredentialsConfig.SignedToken token -> {
                if (signingKeys == null) {
                    throw new MandateException(
                            ErrorCode.BAD_CONFIG,
                            "credentials.backends." + token.name()
                                    + ": signed-token backends need Mandate's signing keys, which this node lacks");
                }
                yield new SignedTokenBackend(
                        token.name(),
                        issuer,
                        token.audience(),
                        token.scopes(),
                        token.maxLifetime(),
                        signingKeys,
                        clock);
            }
        };
    }

    private static @Nullable Secret secret(String password) {
        return password.isEmpty() ? null : Secret.of(password);
    }

    private static void tick(LeaseManager manager) {
        try {
            manager.runDue();
        } catch (RuntimeException e) {
            // runDue already retries per lease; a failure here must not kill the scheduler thread.
            LOG.warn("lease expiry tick failed; retrying on the next tick", e);
        }
    }

    /**
     * Returns the lease manager, which also listens for mandates ending.
     *
     * @return the manager
     */
    public LeaseManager manager() {
        return manager;
    }

    /**
     * Returns the {@code /v1/leases} routes.
     *
     * @return the route group
     */
    public RouteGroup routes() {
        return new LeaseRoutes(manager);
    }

    /** Stops the scheduler and closes the backends' connection pools. Leases stay live and are restored next start. */
    @Override
    public void close() {
        ticking.cancel(false);
        scheduler.shutdownNow();
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing a credential backend failed", e);
            }
        }
    }
}

package dev.mandate.app;

import dev.mandate.app.config.ReplicaSettings;
import dev.mandate.core.identity.EmbeddedTrustDomain;
import dev.mandate.core.keys.RotatingSigningKeys;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.Replica;
import dev.mandate.store.Database;
import dev.mandate.store.PostgresChangeFeed;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node one of several replicas when the store is PostgreSQL: the change feed keeps the mandate registry in
 * line with what other replicas open, revoke and disable, the node's keys with the rotations made elsewhere, and checks
 * fail closed when the view is older than {@code store.replicas.staleness-bound}. With the embedded store (one node) it
 * does nothing. Built in two steps: the feed must read the store's horizon before the registry loads its mandates.
 */
final class ReplicaPart implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaPart.class);

    private final @Nullable PostgresChangeFeed feed;
    private final ReplicaSettings settings;
    private final Clock clock;
    private volatile @Nullable Replica replica;

    private ReplicaPart(@Nullable PostgresChangeFeed feed, ReplicaSettings settings, Clock clock) {
        this.feed = feed;
        this.settings = settings;
        this.clock = clock;
    }

    /** Opens the change feed for a PostgreSQL store, before the registry is built. */
    static ReplicaPart open(Database db, ReplicaSettings settings, Clock clock) {
        if (db.dialect() != Database.Dialect.POSTGRESQL) {
            return new ReplicaPart(null, settings, clock);
        }
        return new ReplicaPart(PostgresChangeFeed.open(db, clock, settings.pollInterval(), LOG::warn), settings, clock);
    }

    /**
     * Starts following, once the registry has loaded: mandates and agents into the registry, and key rotations made on
     * another replica into this node's keys: the mandate token signing keys, and the embedded trust domain's JWT-SVID
     * keys and X.509 CA. The node then signs and issues with the new keys and publishes them (JWKS, SPIFFE bundle) at
     * its next poll rather than at its next restart.
     */
    void start(MandateRegistry registry, RotatingSigningKeys signingKeys, EmbeddedTrustDomain trustDomain) {
        PostgresChangeFeed f = feed;
        if (f == null) {
            return;
        }
        // A reload that throws leaves the feed where it was: the next poll reports the same key sets again.
        f.onKeysChanged(sets -> {
            if (sets.contains(Identity.SIGNING_KEY_SET)) {
                signingKeys.reload();
                LOG.info("signing keys changed in the store; now signing with key {}", signingKeys.currentKid());
            }
            if (trustDomain.reload(sets)) {
                LOG.info(
                        "trust domain keys changed in the store ({}); now issuing JWT-SVIDs with key {}",
                        sets,
                        trustDomain.currentJwtKid());
            }
        });
        Replica r = new Replica(registry, f, clock, settings.stalenessBound());
        r.start();
        replica = r;
        LOG.info(
                "following other replicas' mandate changes: poll every {}, fail closed after {}",
                settings.pollInterval(),
                settings.stalenessBound());
    }

    /** True unless this is a replica whose view is older than its staleness bound (then it denies every check). */
    boolean isCurrent() {
        Replica r = replica;
        return r == null || r.staleness().compareTo(settings.stalenessBound()) <= 0;
    }

    @Override
    public void close() {
        PostgresChangeFeed f = feed;
        if (f != null) {
            f.close();
        }
    }
}

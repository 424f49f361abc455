package dev.mandate.bench;

import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.credential.RevocationBackoff;
import dev.mandate.core.credential.SignedTokenBackend;
import dev.mandate.store.Database;
import dev.mandate.store.credential.JdbcLeaseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cascade revocation: a mandate with 10,000 live leases ends, and every lease is revoked (state written to the H2
 * store, backend called, audit recorded). Signed-token leases keep the backend cost near zero so that the figure is
 * the manager's and the store's. Fails if any lease is missed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class LeaseCascadeBenchmark {
    /** How many leases the mandate holds. */
    @Param("10000")
    public int leases;

    private @Nullable Database store;
    private @Nullable LeaseManager manager;
    private int round;

    /**
     * Opens the store and the manager.
     *
     * @throws Exception if the key or the store cannot be made
     */
    @Setup(Level.Trial)
    public void start() throws Exception {
        Path dir = Files.createTempDirectory("mandate-cascade");
        Database db = Database.openEmbedded(dir);
        store = db;
        Clock clock = Clock.systemUTC();
        SignedTokenBackend tokens = new SignedTokenBackend(
                "tokens",
                "https://mandate.bench",
                "https://api.bench",
                Map.of("read", "orders:read"),
                Duration.ofMinutes(10),
                new LeaseBenchmark.BenchSigningKeys(),
                clock);
        manager = new LeaseManager(
                new JdbcLeaseStore(db), List.of(tokens), entry -> {}, clock, RevocationBackoff.DEFAULT);
    }

    /** Issues the leases of this round's mandate (not timed). */
    @Setup(Level.Invocation)
    public void issue() {
        round++;
        LeaseManager m = Objects.requireNonNull(manager);
        for (int i = 0; i < leases; i++) {
            m.issue(
                    mandate(),
                    LeaseBenchmark.AGENT,
                    "tokens",
                    "read",
                    LeaseBenchmark.TERMS,
                    Instant.now().plusSeconds(3600));
        }
    }

    /**
     * Ends the mandate.
     *
     * @return the revoked leases
     */
    @Benchmark
    public List<Lease> revokeMandate() {
        List<Lease> revoked = Objects.requireNonNull(manager).revokeMandate(mandate(), "bench", "mandate revoked");
        if (revoked.size() != leases) {
            throw new IllegalStateException("revoked " + revoked.size() + " of " + leases + " leases");
        }
        return revoked;
    }

    /** Checks that no lease of the round is left live. */
    @TearDown(Level.Invocation)
    public void verifyNoneMissed() {
        List<Lease> left = Objects.requireNonNull(manager)
                .list(new LeaseQuery(mandate(), null, null, LeaseState.ACTIVE, LeaseQuery.MAX_LIMIT));
        if (!left.isEmpty()) {
            throw new IllegalStateException(left.size() + " leases of " + mandate() + " are still active");
        }
    }

    /** Closes the store. */
    @TearDown(Level.Trial)
    public void stop() {
        if (store != null) {
            store.close();
        }
    }

    private String mandate() {
        return "cascade-" + round;
    }
}

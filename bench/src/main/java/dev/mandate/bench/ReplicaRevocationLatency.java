package dev.mandate.bench;

import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.OpenRequest;
import dev.mandate.core.mandate.Replica;
import dev.mandate.core.mandate.Tier;
import dev.mandate.store.Database;
import dev.mandate.store.JdbcMandateStore;
import dev.mandate.store.PostgresChangeFeed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Cross-replica time to revoke: two replicas (each its own pool, registry and change feed, as two nodes would have) on
 * one embedded PostgreSQL. For each mandate, opened on A and already live on B, it times from just before
 * {@code A.revoke} until B's in-memory check denies it, and separately how long {@code A.revoke} itself takes (the
 * durable write, after which the change can travel). The audit sinks record nothing: audit is written after the
 * mandate row and is not on the way to B.
 *
 * <p>Usage: {@code ReplicaRevocationLatency [revocations=200] [poll-interval-ms=1000]}
 */
public final class ReplicaRevocationLatency {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");
    private static final int MAX_REVOCATIONS = 100_000;

    private ReplicaRevocationLatency() {}

    /**
     * Runs the measurement and prints percentiles.
     *
     * @param args revocations, poll interval in milliseconds
     * @throws Exception if PostgreSQL cannot be started
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long pollMillis = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        if (n < 1 || n > MAX_REVOCATIONS) {
            throw new IllegalArgumentException("revocations must be 1-" + MAX_REVOCATIONS + ", got " + n);
        }
        Duration poll = Duration.ofMillis(pollMillis);
        Duration bound = poll.multipliedBy(5);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE replicas");
            }
            String url = pg.getJdbcUrl("postgres", "replicas");
            Clock clock = Clock.systemUTC();
            try (Database dbA = Database.open(url, "postgres", "", 4);
                    Database dbB = Database.open(url, "postgres", "", 4);
                    PostgresChangeFeed feedA =
                            PostgresChangeFeed.open(dbA, clock, poll, ReplicaRevocationLatency::warn);
                    PostgresChangeFeed feedB =
                            PostgresChangeFeed.open(dbB, clock, poll, ReplicaRevocationLatency::warn)) {
                MandateRegistry a = registry(dbA, clock);
                MandateRegistry b = registry(dbB, clock);
                new Replica(a, feedA, clock, bound).start();
                new Replica(b, feedB, clock, bound).start();
                List<Mandate> mandates = new ArrayList<>();
                for (int i = 0; i < n + n / 10; i++) {
                    Mandate m = a.open(
                            new OpenRequest(
                                    BOT,
                                    Tier.COPILOT,
                                    null,
                                    "support",
                                    Set.of("crm.read"),
                                    Set.of(),
                                    Duration.ofMinutes(30),
                                    null,
                                    Set.of("*"),
                                    10,
                                    null),
                            "bench");
                    if (b.checkLive(m.id()) != LiveCheck.LIVE) {
                        throw new IllegalStateException("not live on B: " + m.id());
                    }
                    mandates.add(m);
                }
                long[] revoke = new long[n];
                long[] travel = new long[n];
                int warmup = n / 10;
                for (int i = 0; i < mandates.size(); i++) {
                    String id = mandates.get(i).id();
                    long t0 = System.nanoTime();
                    a.revoke(id, "bench", "bench");
                    long t1 = System.nanoTime();
                    while (b.checkLive(id) == LiveCheck.LIVE) {
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
                    }
                    long t2 = System.nanoTime();
                    if (i >= warmup) {
                        revoke[i - warmup] = t1 - t0;
                        travel[i - warmup] = t2 - t0;
                    }
                }
                System.out.printf(
                        "%d revocations (after %d warm-up), poll interval %d ms, staleness bound %d ms%n",
                        n, warmup, poll.toMillis(), bound.toMillis());
                System.out.println("A.revoke (durable write):   " + percentiles(revoke));
                System.out.println("revoke on A -> B denies:    " + percentiles(travel));
            }
        }
    }

    private static void warn(String warning) {
        System.err.println(warning);
    }

    private static MandateRegistry registry(Database db, Clock clock) {
        return new MandateRegistry(new JdbcMandateStore(db), e -> {}, clock, MandateLimits.defaults(), (id, e) -> {});
    }

    private static String percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(
                "p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                sorted[sorted.length / 2] / 1e6,
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }
}

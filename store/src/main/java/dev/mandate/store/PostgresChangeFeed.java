package dev.mandate.store;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.ChangeBatch;
import dev.mandate.core.mandate.ChangeListener;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The changes replicas make to a shared PostgreSQL store (migration V7 stamps every write to {@code mandates} and
 * {@code agents}, V9 every write to {@code signing_keys}, with its transaction id and announces it on channel
 * {@value #CHANNEL}).
 *
 * <p>One thread holds a dedicated connection outside the pool, {@code LISTEN}s, and polls: after every notification
 * and at least every poll interval. A poll reads, in one repeatable-read snapshot, the oldest transaction still running
 * ({@code pg_snapshot_xmin}) and every row stamped by that transaction of the previous poll or a later one. Every
 * transaction not visible to the previous poll was running then or started later, so its rows carry a stamp at least
 * that horizon: a transaction that commits after a later one is never skipped, and a lost notification costs at most
 * one poll interval. Rows are read again while older transactions are still running; applying a row twice changes
 * nothing. When the connection fails the thread reconnects with backoff (100 ms doubling to 5 s); meanwhile no batch
 * arrives, and the {@link dev.mandate.core.mandate.Replica} fails closed once its staleness bound has passed.
 */
public final class PostgresChangeFeed implements MandateChanges {
    /** The channel V7's triggers notify. */
    public static final String CHANNEL = "mandate_changes";
    /** Time limit of one lookup or poll query, in seconds. */
    static final int QUERY_TIMEOUT_SECONDS = 5;

    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5000;

    /** Opens the feed's connection; tests swap it to cut a replica off the database. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private final Database db;
    private final InstantSource clock;
    private final long pollMillis;
    private final Consumer<String> warnings;
    private final Connector connector;
    private final AtomicLong polls = new AtomicLong();
    private volatile long horizon;
    private volatile boolean closed;
    /** Counted down by {@link #close}: ends a reconnection backoff at once. */
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

    private volatile boolean dropNotifications;
    private volatile @Nullable Connection current;
    private @Nullable Thread thread;
    private volatile Consumer<Set<String>> keySets = sets -> {};

    /**
     * Opens the feed and reads the store's current horizon: open it before the registry loads its mandates, so that
     * the first poll covers every change the load might have missed.
     *
     * @param db a migrated PostgreSQL store
     * @param clock the registry's time source; a batch's {@code asOf} is read from it
     * @param pollInterval the longest time between two polls, 100 ms to 1 minute
     * @param warnings told (without secrets) when the store is lost or a batch fails to apply
     * @return the feed, not yet following
     * @throws MandateException with {@code BAD_CONFIG} for an embedded store or a poll interval out of range,
     *     {@code UNAVAILABLE} if the store cannot be read
     */
    public static PostgresChangeFeed open(
            Database db, InstantSource clock, Duration pollInterval, Consumer<String> warnings) {
        return new PostgresChangeFeed(db, clock, pollInterval, warnings, null);
    }

    PostgresChangeFeed(
            Database db,
            InstantSource clock,
            Duration pollInterval,
            Consumer<String> warnings,
            @Nullable Connector connector) {
        this.db = Objects.requireNonNull(db, "db");
        if (db.dialect() != Database.Dialect.POSTGRESQL) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "replicas need a PostgreSQL store; the embedded store serves one node");
        }
        if (pollInterval.compareTo(Duration.ofMillis(100)) < 0 || pollInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "store.replicas.poll-interval must be from 100ms to 1m, got " + pollInterval);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pollMillis = pollInterval.toMillis();
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        int socketTimeout = (int) Math.max(10, 3 * pollMillis / 1000);
        this.connector = connector != null ? connector : () -> db.openUnpooled(socketTimeout);
        this.horizon = Jdbc.run(db.dataSource(), "read the store's transaction horizon", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public List<Mandate> chain(String id) {
        String sql = "WITH RECURSIVE chain AS (SELECT " + MandateRows.COLUMNS + " FROM mandates WHERE id = ?"
                + " UNION ALL SELECT " + MandateRows.columns("m")
                + " FROM mandates m JOIN chain ON m.id = chain.parent_id)"
                + " SELECT " + MandateRows.COLUMNS + " FROM chain ORDER BY depth";
        return Jdbc.run(db.dataSource(), "look up mandate " + id, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    List<Mandate> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(MandateRows.read(rs));
                    }
                    return out;
                }
            }
        });
    }

    /**
     * Tells {@code listener}, from the feed's thread, the names of the signing-key sets written since the previous
     * poll (migration V9 stamps {@code signing_keys}): a key rotated on another replica, to be read again. A listener
     * that throws gets the same names again at the next poll. Set it before {@link #follow}.
     *
     * @param listener told the changed key sets' names, never an empty set
     */
    public void onKeysChanged(Consumer<Set<String>> listener) {
        keySets = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public synchronized void follow(ChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (thread != null) {
            throw new IllegalStateException("the change feed is already following");
        }
        Thread t = new Thread(() -> run(listener), "mandate-change-feed");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        closing.countDown();
        Connection c = current;
        if (c != null) {
            try {
                c.close(); // unblocks a read in progress
            } catch (SQLException e) {
                // closing anyway
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How many polls have been applied; for tests and status. */
    long polls() {
        return polls.get();
    }

    /** Test hook: ignore notifications, so that only the timed poll brings changes in. */
    void dropNotifications(boolean drop) {
        dropNotifications = drop;
    }

    /** The backend process id of the feed's connection, or 0 when it has none; tests terminate it. */
    int backendPid() {
        Connection c = current;
        if (c == null) {
            return 0;
        }
        try {
            return c.unwrap(PGConnection.class).getBackendPID();
        } catch (SQLException e) {
            return 0;
        }
    }

    private void run(ChangeListener listener) {
        long backoff = MIN_BACKOFF_MILLIS;
        while (!closed) {
            try (Connection c = connector.open()) {
                current = c;
                if (closed) {
                    return;
                }
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                boolean first = true;
                while (!closed) {
                    Polled p = poll(c);
                    try {
                        listener.changed(p.batch());
                        if (!p.keySets().isEmpty()) {
                            keySets.accept(p.keySets());
                        }
                        horizon = p.horizon();
                    } catch (RuntimeException e) {
                        // Not advanced: the next poll delivers these changes again.
                        warnings.accept("applying " + p.batch().mandates().size()
                                + " mandate change(s) and " + p.keySets().size()
                                + " key set change(s) from the store failed; retrying at the next poll: "
                                + e.getMessage());
                    }
                    polls.incrementAndGet();
                    if (first) {
                        backoff = MIN_BACKOFF_MILLIS; // connected and caught up
                        first = false;
                    }
                    awaitNotification(pg);
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                warnings.accept("the replicas' change feed lost the store (" + e.getMessage() + "); reconnecting in "
                        + backoff + " ms; checks fail closed once the staleness bound has passed");
            } finally {
                current = null;
            }
            try {
                // Back off before reconnecting; close() ends the wait at once.
                if (closing.await(backoff, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    /** Waits until a notification arrives (one not dropped by the test hook) or the poll interval has passed. */
    private void awaitNotification(PGConnection pg) throws SQLException {
        long deadline = System.nanoTime() + pollMillis * 1_000_000;
        while (!closed) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            PGNotification[] got = pg.getNotifications((int) left);
            if (got != null && got.length > 0 && !dropNotifications) {
                return;
            }
        }
    }

    private record Polled(ChangeBatch batch, Set<String> keySets, long horizon) {}

    private Polled poll(Connection c) throws SQLException {
        Instant asOf = clock.instant(); // before the snapshot: every commit before it is visible in the snapshot
        long since = horizon;
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            long next;
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                try (ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")) {
                    rs.next();
                    next = rs.getLong(1);
                }
            }
            List<Mandate> mandates = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + MandateRows.COLUMNS
                    + " FROM mandates WHERE change_xid >= CAST(CAST(? AS text) AS xid8) ORDER BY depth")) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                s.setLong(1, since);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        mandates.add(MandateRows.read(rs));
                    }
                }
            }
            Set<SpiffeId> disabled = new HashSet<>();
            Set<SpiffeId> active = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT spiffe_id, status FROM agents" + " WHERE change_xid >= CAST(CAST(? AS text) AS xid8)")) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                s.setLong(1, since);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        SpiffeId agent = SpiffeId.parse(rs.getString(1));
                        (rs.getString(2).equals("disabled") ? disabled : active).add(agent);
                    }
                }
            }
            Set<String> keys = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT DISTINCT key_set FROM signing_keys WHERE change_xid >= CAST(CAST(? AS text) AS xid8)")) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                s.setLong(1, since);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            c.commit();
            return new Polled(new ChangeBatch(mandates, disabled, active, asOf), keys, Math.max(since, next));
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is going away
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is going away; the caller reconnects
            }
        }
    }
}

package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.audit.AuditCheckpoint;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.audit.AuditStore;
import dev.mandate.core.audit.AuditedRow;
import dev.mandate.core.identity.AgentRegistration;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.AuditedMandateStore;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateRefused;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.OpenRequest;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.testing.RecordingAuditSink;
import dev.mandate.core.testing.TestSigningKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Opening a mandate serialises with disabling its agent (issue 4, the disable race): whatever the interleaving, a
 * mandate of an agent that gets disabled is either refused or revoked when its opening returns — never left live until
 * some replica's change feed happens to bring it back. On both real databases; the interleavings are made with latches
 * around the audit store's append, never with sleeps.
 */
final class OpeningWhileDisablingTest {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");
    private static final SpiffeId HELPER = SpiffeId.parse("spiffe://mandate.local/agent/helper");
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path tmp;

    private final TestSigningKeys keys = new TestSigningKeys();

    /** An audit store that stops the first append carrying rows at a gate, before or after the real one commits. */
    private static final class GatedAuditStore implements AuditStore {
        final AuditStore store;
        final boolean afterCommit;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean gated = new AtomicBoolean();

        GatedAuditStore(AuditStore store, boolean afterCommit) {
            this.store = store;
            this.afterCommit = afterCommit;
        }

        @Override
        public Optional<AuditEvent> last() {
            return store.last();
        }

        @Override
        public void append(List<AuditEvent> events, @Nullable AuditCheckpoint checkpoint) {
            store.append(events, checkpoint);
        }

        @Override
        public void append(List<AuditEvent> events, @Nullable AuditCheckpoint checkpoint, List<AuditedRow> rows) {
            boolean gate = !rows.isEmpty() && gated.compareAndSet(false, true);
            if (gate && !afterCommit) {
                pass();
            }
            store.append(events, checkpoint, rows);
            if (gate && afterCommit) {
                pass();
            }
        }

        private void pass() {
            reached.countDown();
            try {
                if (!release.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never released the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public List<AuditEvent> read(long afterSeq, int limit) {
            return store.read(afterSeq, limit);
        }

        @Override
        public List<AuditCheckpoint> checkpoints() {
            return store.checkpoints();
        }
    }

    private record Node(Database db, AuditLog audit, MandateRegistry registry, AgentRegistry agents) {}

    /** A node: its registry opens mandates through the audit log's group commit, as {@code MandatePart} wires it. */
    private Node node(Database db, AuditStore auditStore, boolean toldOfDisables) {
        AuditLog audit = new AuditLog(auditStore, keys, Clock.systemUTC(), 100);
        MandateRegistry registry = new MandateRegistry(
                new AuditedMandateStore(new JdbcMandateStore(db), audit),
                audit,
                Clock.systemUTC(),
                MandateLimits.defaults(),
                (id, e) -> {});
        AgentRegistry agents = new AgentRegistry(
                new JdbcAgentDirectory(db), new RecordingAuditSink(), Clock.systemUTC(), "mandate.local");
        if (toldOfDisables) {
            agents.onDisabled(a -> registry.revokeDisabledAgent(a.id(), "agent disabled", "admin"));
        }
        return new Node(db, audit, registry, agents);
    }

    private static void register(AgentRegistry agents, String name) {
        agents.register(new AgentRegistration(name, "team", Tier.COPILOT, Set.of("support"), null, null), "admin");
    }

    private static OpenRequest request(SpiffeId agent) {
        return new OpenRequest(
                agent,
                Tier.COPILOT,
                null,
                "support",
                Set.of("crm.read"),
                Set.of(),
                Duration.ofMinutes(5),
                null,
                Set.of("*"),
                10,
                null);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private static void reach(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(20, TimeUnit.SECONDS))
                .as("the opening reached the gate")
                .isTrue();
    }

    private static long mandateRows(Database db, SpiffeId agent) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM mandates WHERE agent = ?")) {
            s.setString(1, agent.toString());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> eventTypes(AuditLog audit) {
        return audit.page(0, 100).stream().map(AuditEvent::type).toList();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMandateWhoseAgentWasDisabledElsewhereBeforeItsRowIsWrittenIsRefusedAloneAndItsGroupIsWritten(
            TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, tmp);
                ExecutorService exchanges = Executors.newFixedThreadPool(3)) {
            GatedAuditStore gate = new GatedAuditStore(new JdbcAuditStore(db), false);
            Node a = node(db, gate, true);
            register(a.agents(), "bot");
            register(a.agents(), "helper");
            // Another replica disables the agent: only the store carries it, node A's registry is not told.
            AgentRegistry elsewhere = new AgentRegistry(
                    new JdbcAgentDirectory(db), new RecordingAuditSink(), Clock.systemUTC(), "mandate.local");

            // A first opening holds the audit log's write lock at the gate, so the next two share one group commit.
            Future<Mandate> first = exchanges.submit(() -> a.registry().open(request(HELPER), "helper"));
            reach(gate.reached);
            List<Thread> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
            Future<Mandate> bot = exchanges.submit(() -> {
                queued.add(Thread.currentThread());
                return a.registry().open(request(BOT), "bot");
            });
            Future<Mandate> helper = exchanges.submit(() -> {
                queued.add(Thread.currentThread());
                return a.registry().open(request(HELPER), "helper");
            });
            await(
                    "both openings wait for the audit log's write lock",
                    () -> queued.size() == 2 && queued.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            elsewhere.disable("bot", "admin", "compromised");
            gate.release.countDown();

            Mandate firstOpened = first.get(20, TimeUnit.SECONDS);
            Mandate helperOpened = helper.get(20, TimeUnit.SECONDS);
            assertThatThrownBy(() -> bot.get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(MandateRefused.class)
                    .cause()
                    .hasMessageContaining("agent " + BOT + " is disabled in the store")
                    .satisfies(e -> assertThat(((MandateRefused) e).rule()).isEqualTo(MandateRefused.Rule.AGENT));
            assertThat(mandateRows(db, BOT)).isZero();
            assertThat(mandateRows(db, HELPER)).isEqualTo(2);
            assertThat(a.registry().checkLive(helperOpened.id())).isEqualTo(LiveCheck.LIVE);
            assertThat(a.registry().checkLive(firstOpened.id())).isEqualTo(LiveCheck.LIVE);
            assertThat(a.registry().list(m -> m.agent().equals(BOT), 10)).isEmpty();
            assertThat(a.audit().page(0, 100))
                    .extracting(AuditEvent::subject)
                    .containsExactly(firstOpened.id(), helperOpened.id());
            assertThat(a.audit().verify().ok()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMandateWrittenJustBeforeItsAgentIsDisabledOnTheSameNodeIsRevokedBeforeItsOpeningReturns(
            TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, tmp);
                ExecutorService exchanges = Executors.newFixedThreadPool(2)) {
            GatedAuditStore gate = new GatedAuditStore(new JdbcAuditStore(db), true);
            Node a = node(db, gate, true);
            register(a.agents(), "bot");

            // The row is committed (the agent was active) but not in memory yet when the kill switch looks there. The
            // gate holds the audit log's write lock, so the disable runs until it records its revocation, and waits.
            Future<Mandate> bot = exchanges.submit(() -> a.registry().open(request(BOT), "bot"));
            reach(gate.reached);
            List<Thread> disabling = new java.util.concurrent.CopyOnWriteArrayList<>();
            Future<?> disable = exchanges.submit(() -> {
                disabling.add(Thread.currentThread());
                return a.agents().disable("bot", "admin", "compromised");
            });
            await(
                    "the disable waits to record its revocation",
                    () -> disabling.stream().anyMatch(t -> waitsToAudit(t)));
            gate.release.countDown();
            disable.get(20, TimeUnit.SECONDS);

            assertThatThrownBy(() -> bot.get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(MandateRefused.class)
                    .cause()
                    .hasMessageContaining("was revoked (agent disabled) while mandate");
            List<Mandate> held = a.registry().list(m -> m.agent().equals(BOT), 10);
            assertThat(held).singleElement().satisfies(m -> {
                assertThat(m.state()).isEqualTo(MandateState.REVOKED);
                assertThat(a.registry().checkLive(m.id())).isEqualTo(LiveCheck.REVOKED);
            });
            assertThat(new JdbcMandateStore(db).loadAll())
                    .singleElement()
                    .extracting(Mandate::state)
                    .isEqualTo(MandateState.REVOKED);
            // The kill switch's sweep of the store ended the row and recorded it; the opening adds no second record.
            assertThat(eventTypes(a.audit())).containsExactly("mandate.opened", "agent.revoked", "mandate.revoked");
            assertThat(a.audit().verify().ok()).isTrue();
        }
    }

    @Test
    void onPostgresqlAnOpeningWaitsForADisableInFlightOnAnotherReplicaAndIsRefusedOnceItCommits() throws Exception {
        try (Database db = TestDatabases.open(TestDatabases.Kind.POSTGRESQL, tmp);
                ExecutorService exchanges = Executors.newSingleThreadExecutor()) {
            Node a = node(db, new JdbcAuditStore(db), true);
            register(a.agents(), "bot");
            try (Connection replicaB = db.dataSource().getConnection()) {
                // Replica B's disable has updated the agent's row and not committed yet.
                replicaB.setAutoCommit(false);
                try (Statement s = replicaB.createStatement()) {
                    s.executeUpdate("UPDATE agents SET status = 'disabled' WHERE name = 'bot'");
                }
                Future<Mandate> bot = exchanges.submit(() -> a.registry().open(request(BOT), "bot"));
                await("the opening waits for the agent's row lock", () -> waitingForLocks(db) > 0);
                assertThat(bot).isNotDone();
                replicaB.commit();

                assertThatThrownBy(() -> bot.get(20, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(MandateRefused.class)
                        .cause()
                        .hasMessageContaining("is disabled in the store");
            }
            assertThat(mandateRows(db, BOT)).isZero();
            assertThat(a.audit().page(0, 10)).isEmpty();
        }
    }

    @Test
    void onPostgresqlADisableEndsInTheStoreTheMandatesOtherReplicasOpenedThatItHasNotLearnedOfRecordedOnce()
            throws Exception {
        String url = TestDatabases.freshPostgresUrl();
        try (Database dbA = Database.open(url, "postgres", "", 4);
                Database dbB = Database.open(url, "postgres", "", 4)) {
            Node a = node(dbA, new JdbcAuditStore(dbA), true);
            Node b = node(dbB, new JdbcAuditStore(dbB), true);
            register(a.agents(), "bot");
            // Opened on A the instant before B disables the agent: B has not learned of it.
            Mandate onA = a.registry().open(request(BOT), "bot");
            assertThat(b.registry().find(onA.id())).isEmpty();

            List<String> revoked = b.registry().revokeAgent(BOT, "compromised", "admin");
            b.agents().disable("bot", "admin", "compromised");
            // Enabled again at once: the mandate stays revoked, in the store every replica's feed reads.
            b.agents()
                    .update(
                            "bot",
                            new dev.mandate.core.identity.AgentChanges(
                                    null, null, null, null, false, dev.mandate.core.identity.AgentStatus.ACTIVE),
                            "admin");

            assertThat(revoked).containsExactly(onA.id());
            assertThat(new JdbcMandateStore(dbA).loadAll())
                    .singleElement()
                    .satisfies(m -> assertThat(m.state()).isEqualTo(MandateState.REVOKED));
            // One record of the mandate's revocation across both replicas' (shared) log, with the kill switch's.
            assertThat(b.audit().page(0, 100))
                    .extracting(e -> e.type() + " " + e.subject())
                    .containsExactly(
                            "mandate.opened " + onA.id(), "agent.revoked " + BOT, "mandate.revoked " + onA.id());
        }
    }

    private static boolean waitsToAudit(Thread t) {
        return t.getState() == Thread.State.WAITING
                && java.util.Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(AuditLog.class.getName())
                                && f.getMethodName().equals("write"));
    }

    private static long waitingForLocks(Database db) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}

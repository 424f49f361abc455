package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.identity.AgentRegistration;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.AuditedMandateStore;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.OpenRequest;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.testing.RecordingAuditSink;
import dev.mandate.core.testing.TestSigningKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A new mandate's row and its audit event in one transaction, on both real databases: both durable or neither. */
final class AuditedMandateStoreTest {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");
    private static final SpiffeId HELPER = SpiffeId.parse("spiffe://mandate.local/agent/helper");

    @TempDir
    Path tmp;

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-24T12:00:00Z"));
    private final TestSigningKeys keys = new TestSigningKeys();
    private @Nullable String postgresUrl;

    /** The database, with the agents the tests open mandates for registered: only an active agent's are stored. */
    private Database open(TestDatabases.Kind kind) {
        Database db = openDatabase(kind);
        AgentRegistry agents = new AgentRegistry(
                new JdbcAgentDirectory(db), new RecordingAuditSink(), java.time.Clock.systemUTC(), "mandate.local");
        for (String name : List.of("bot", "helper")) {
            if (agents.directory().findByName(name).isEmpty()) {
                agents.register(
                        new AgentRegistration(name, "team", Tier.COPILOT, Set.of("support", "billing"), null, null),
                        "admin");
            }
        }
        return db;
    }

    private Database openDatabase(TestDatabases.Kind kind) {
        return switch (kind) {
            case H2 -> Database.openEmbedded(tmp);
            case POSTGRESQL -> {
                String url = postgresUrl;
                if (url == null) {
                    url = TestDatabases.freshPostgresUrl();
                    postgresUrl = url;
                }
                yield Database.open(url, "postgres", "", 4);
            }
        };
    }

    private MandateRegistry registry(Database db, AuditLog audit) {
        return new MandateRegistry(
                new AuditedMandateStore(new JdbcMandateStore(db), audit),
                audit,
                clock,
                MandateLimits.defaults(),
                (id, e) -> {});
    }

    private static OpenRequest request(String purpose) {
        return new OpenRequest(
                BOT,
                Tier.COPILOT,
                null,
                purpose,
                Set.of("crm.read"),
                Set.of(),
                Duration.ofMinutes(5),
                null,
                Set.of("*"),
                10,
                null);
    }

    private static long count(Database db, String table) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void endingTellsOnlyTheMandatesThisWriteEndedSoThatReplicasAuditARevocationOnce(TestDatabases.Kind kind)
            throws Exception {
        try (Database db = open(kind)) {
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 7);
            AuditedMandateStore store = new AuditedMandateStore(new JdbcMandateStore(db), audit);
            MandateRegistry registry =
                    new MandateRegistry(store, audit, clock, MandateLimits.defaults(), (id, e) -> {});
            String first = registry.open(request("support"), "bot").id();
            String second = registry.open(request("support"), "bot").id();
            // Another replica sharing the store ended the first one already.
            new JdbcMandateStore(db)
                    .end(List.of(first), dev.mandate.core.mandate.MandateState.REVOKED, clock.instant(), "elsewhere");

            assertThat(store.endActive(
                            List.of(first, second),
                            dev.mandate.core.mandate.MandateState.REVOKED,
                            clock.instant(),
                            "agent disabled"))
                    .containsExactly(second);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void mandatesOpenedAndDelegatedConcurrentlyAreLiveAndAuditedInChainAfterARestart(TestDatabases.Kind kind)
            throws Exception {
        List<String> opened = new ArrayList<>();
        List<String> delegated = new ArrayList<>();
        try (Database db = open(kind)) {
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 7);
            MandateRegistry registry = registry(db, audit);
            try (ExecutorService openers = Executors.newFixedThreadPool(16)) {
                List<Future<Mandate>> futures = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    futures.add(openers.submit(() -> registry.open(request("support"), "bot")));
                }
                for (Future<Mandate> f : futures) {
                    opened.add(f.get().id());
                }
                List<Future<Mandate>> children = new ArrayList<>();
                for (String parent : opened.subList(0, 100)) {
                    children.add(openers.submit(() -> registry.delegate(
                            parent,
                            new DelegationRequest(HELPER, Tier.COPILOT, null, null, null, null, null, null),
                            "bot")));
                }
                for (Future<Mandate> f : children) {
                    delegated.add(f.get().id());
                }
            }
        }
        try (Database db = open(kind)) {
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 7);
            MandateRegistry after = registry(db, audit);

            assertThat(after.size()).isEqualTo(500);
            assertThat(opened).allSatisfy(id -> assertThat(after.checkLive(id)).isEqualTo(LiveCheck.LIVE));
            assertThat(delegated)
                    .allSatisfy(id -> assertThat(after.checkLive(id)).isEqualTo(LiveCheck.LIVE));
            List<AuditEvent> events = audit.page(0, 1000);
            assertThat(events).hasSize(500);
            assertThat(events)
                    .filteredOn(e -> e.type().equals("mandate.opened"))
                    .extracting(AuditEvent::subject)
                    .containsExactlyInAnyOrderElementsOf(opened);
            assertThat(events)
                    .filteredOn(e -> e.type().equals("mandate.delegated"))
                    .extracting(AuditEvent::subject)
                    .containsExactlyInAnyOrderElementsOf(delegated);
            assertThat(events).extracting(AuditEvent::seq).isSorted().first().isEqualTo(1L);
            assertThat(audit.verify().ok())
                    .as(String.valueOf(audit.verify().problem()))
                    .isTrue();
            assertThat(audit.verify().checkpointsChecked()).isGreaterThanOrEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aFailingAuditWriteLeavesNeitherTheMandateRowNorItsEventAndTheOpenFails(TestDatabases.Kind kind)
            throws Exception {
        try (Database db = open(kind)) {
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 100);
            MandateRegistry registry = registry(db, audit);
            Mandate before = registry.open(request("support"), "bot");

            // The events table is gone: the row is inserted first in the transaction, then the events fail.
            execute(db, "ALTER TABLE audit_events RENAME TO audit_events_away");
            assertThatThrownBy(() -> registry.open(request("billing"), "bot"))
                    .isInstanceOfSatisfying(
                            MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("mandate not opened");
            execute(db, "ALTER TABLE audit_events_away RENAME TO audit_events");

            assertThat(count(db, "mandates")).isEqualTo(1);
            assertThat(new JdbcMandateStore(db).loadAll())
                    .extracting(Mandate::id)
                    .containsExactly(before.id());
            assertThat(registry.size()).isEqualTo(1);
            assertThat(count(db, "audit_events")).isEqualTo(1);

            // The log recovers and stays one unbroken chain.
            Mandate next = registry.open(request("billing"), "bot");
            assertThat(count(db, "mandates")).isEqualTo(2);
            assertThat(audit.page(0, 10)).extracting(AuditEvent::subject).containsExactly(before.id(), next.id());
            assertThat(audit.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMandateRowTheDatabaseRefusesLeavesNoEvent(TestDatabases.Kind kind) throws Exception {
        try (Database db = open(kind)) {
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 100);
            Mandate first = registry(db, audit).open(request("support"), "bot");

            // The same id again: the primary key refuses the row, so the event is not recorded either.
            assertThatThrownBy(() -> audit.recordWith(
                            new AuditEntry("mandate.opened", "bot", first.id(), null, Map.of()), first))
                    .isInstanceOfSatisfying(
                            MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

            assertThat(count(db, "mandates")).isEqualTo(1);
            assertThat(audit.page(0, 10)).extracting(AuditEvent::seq).containsExactly(1L);
            assertThat(audit.verify().ok()).isTrue();
        }
    }
}

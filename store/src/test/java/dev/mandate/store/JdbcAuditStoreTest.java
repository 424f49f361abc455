package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.audit.AuditVerification;
import dev.mandate.core.testing.TestSigningKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class JdbcAuditStoreTest {
    @TempDir
    Path tmp;

    private final TestSigningKeys keys = new TestSigningKeys();
    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-24T12:00:00.123456Z"));

    private static AuditEntry entry(int i) {
        return new AuditEntry(
                "mandate.opened",
                "spiffe://mandate.local/agent/bot-" + i,
                "mdt_" + i,
                i % 2 == 0 ? null : "task " + i,
                Map.of("purpose", "support", "token", "sha256:abc" + i, "empty", ""));
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void anUntouchedLogVerifiesWithItsCheckpoints(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, tmp)) {
            AuditLog log = new AuditLog(new JdbcAuditStore(db), keys, clock, 3);
            for (int i = 1; i <= 10; i++) {
                log.record(entry(i));
            }
            AuditVerification v = log.verify();
            assertThat(v.ok()).as(String.valueOf(v.problem())).isTrue();
            assertThat(v.eventsChecked()).isEqualTo(10);
            assertThat(v.checkpointsChecked()).isEqualTo(3);
            List<AuditEvent> page = log.page(4, 3);
            assertThat(page).extracting(AuditEvent::seq).containsExactly(5L, 6L, 7L);
            assertThat(page.get(0).subject()).isEqualTo("mdt_5");
            assertThat(page.get(0).details())
                    .containsEntry("purpose", "support")
                    .containsEntry("empty", "");
            assertThat(page.get(0).time()).isEqualTo(Instant.parse("2026-11-24T12:00:00.123Z"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void changingOneByteOfOneStoredEventNamesThatEvent(TestDatabases.Kind kind) throws Exception {
        for (String column : List.of("actor", "details", "reason", "event_type")) {
            try (Database db = TestDatabases.open(kind, tmp.resolve(column))) {
                AuditLog log = new AuditLog(new JdbcAuditStore(db), keys, clock, 100);
                for (int i = 1; i <= 6; i++) {
                    log.record(entry(i));
                }
                flipOneByte(db, column, 5);
                AuditVerification v = log.verify();
                assertThat(v.ok()).as(column).isFalse();
                assertThat(v.brokenSeq()).as(column).isEqualTo(5L);
                assertThat(v.problem()).contains("event 5").contains("changed");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void changingAStoredHashIsABrokenLinkAtThatEvent(TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, tmp)) {
            AuditLog log = new AuditLog(new JdbcAuditStore(db), keys, clock, 2);
            for (int i = 1; i <= 6; i++) {
                log.record(entry(i));
            }
            flipOneByte(db, "hash", 3);
            AuditVerification v = log.verify();
            assertThat(v.ok()).isFalse();
            assertThat(v.brokenSeq()).isEqualTo(3L);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void removingTheLastEventsIsCaughtByTheCheckpoint(TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, tmp)) {
            AuditLog log = new AuditLog(new JdbcAuditStore(db), keys, clock, 2);
            for (int i = 1; i <= 6; i++) {
                log.record(entry(i));
            }
            try (Connection c = db.dataSource().getConnection()) {
                c.createStatement().executeUpdate("DELETE FROM audit_events WHERE seq >= 5");
            }
            AuditVerification v = log.verify();
            assertThat(v.ok()).isFalse();
            assertThat(v.brokenSeq()).isEqualTo(6L);
            assertThat(v.problem()).contains("removed");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void concurrentWritersGetOneUnbrokenChain(TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, tmp)) {
            AuditLog log = new AuditLog(new JdbcAuditStore(db), keys, clock, 50);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> log.record(entry(n))));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            AuditVerification v = log.verify();
            assertThat(v.ok()).as(String.valueOf(v.problem())).isTrue();
            assertThat(v.eventsChecked()).isEqualTo(200);
            // group commit decides where checkpoints fall, but one falls at least every 50 events
            assertThat(v.checkpointsChecked()).isBetween(3, 4);
            // a second log over the same store (a restart) continues the chain
            AuditLog restarted = new AuditLog(new JdbcAuditStore(db), keys, clock, 50);
            restarted.record(entry(1));
            restarted.checkpoint();
            assertThat(restarted.verify().ok()).isTrue();
            assertThat(restarted.verify().checkpointsChecked()).isEqualTo(v.checkpointsChecked() + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void twoNodesSharingOneStoreKeepOneChain(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, tmp)) {
            AuditLog first = new AuditLog(new JdbcAuditStore(db), keys, clock, 3);
            AuditLog second = new AuditLog(new JdbcAuditStore(db), keys, clock, 3);
            for (int i = 1; i <= 6; i++) {
                (i % 2 == 0 ? first : second).record(entry(i));
            }
            AuditVerification v = first.verify();
            assertThat(v.ok()).as(String.valueOf(v.problem())).isTrue();
            assertThat(v.eventsChecked()).isEqualTo(6);
            assertThat(first.page(0, 10))
                    .extracting(AuditEvent::subject)
                    .containsExactly("mdt_1", "mdt_2", "mdt_3", "mdt_4", "mdt_5", "mdt_6");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aStoreThatCannotWriteFailsTheRecordAsUnavailable(TestDatabases.Kind kind) {
        Database db = TestDatabases.open(kind, tmp);
        AuditLog log = new AuditLog(new JdbcAuditStore(db), keys, clock, 10);
        log.record(entry(1));
        db.close();
        assertThatThrownBy(() -> log.record(entry(2)))
                .isInstanceOf(MandateException.class)
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    /** Changes one byte of one column of one stored event, the way an attacker with database access would. */
    private static void flipOneByte(Database db, String column, long seq) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            String value;
            try (PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM audit_events WHERE seq = ?")) {
                s.setLong(1, seq);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    value = rs.getString(1);
                }
            }
            int at = value.length() / 2;
            char flipped = (char) (value.charAt(at) ^ 1);
            String changed = value.substring(0, at) + flipped + value.substring(at + 1);
            try (PreparedStatement s = c.prepareStatement("UPDATE audit_events SET " + column + " = ? WHERE seq = ?")) {
                s.setString(1, changed);
                s.setLong(2, seq);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
        }
    }
}

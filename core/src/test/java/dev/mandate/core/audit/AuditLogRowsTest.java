package dev.mandate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.testing.TestSigningKeys;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Rows written with audit events: a store that cannot write them refuses the whole append, and records nothing. */
final class AuditLogRowsTest {
    private record Other(String id) implements AuditedRow {}

    /** Keeps events in memory and writes no rows (the interface's default for rows). */
    private static final class EventsOnly implements AuditStore {
        final List<AuditEvent> events = new ArrayList<>();

        @Override
        public Optional<AuditEvent> last() {
            return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1));
        }

        @Override
        public void append(List<AuditEvent> more, @Nullable AuditCheckpoint checkpoint) {
            events.addAll(more);
        }

        @Override
        public List<AuditEvent> read(long afterSeq, int limit) {
            return events.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
        }

        @Override
        public List<AuditCheckpoint> checkpoints() {
            return List.of();
        }
    }

    private static AuditEntry entry(String subject) {
        return new AuditEntry("mandate.opened", "bot", subject, null, Map.of("purpose", "support"));
    }

    @Test
    void aRowTheStoreCannotWriteFailsTheRecordAndLeavesTheLogAsItWas() {
        EventsOnly store = new EventsOnly();
        AuditLog log = new AuditLog(
                store, new TestSigningKeys(), InstantSource.fixed(Instant.parse("2026-12-03T12:00:00Z")), 100);
        log.record(entry("mdt_1"));

        assertThatThrownBy(() -> log.recordWith(entry("mdt_2"), new Other("mdt_2")))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("cannot store rows")
                .hasMessageContaining("Other");

        assertThat(store.events).extracting(AuditEvent::subject).containsExactly("mdt_1");
        log.record(entry("mdt_3"));
        assertThat(store.events).extracting(AuditEvent::seq).containsExactly(1L, 2L);
        assertThat(log.verify().ok()).isTrue();
    }
}

package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.BatchAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test doubles of what Mandate owns: a clock that tests advance, a store in memory, an audit sink that records. */
final class Fakes {
    private Fakes() {}

    static final class Clock implements InstantSource {
        private volatile Instant now = Instant.parse("2026-11-24T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    static final class Store implements MandateStore {
        final Map<String, Mandate> rows = new LinkedHashMap<>();
        volatile boolean broken;

        @Override
        public synchronized void insert(Mandate m) {
            check();
            rows.put(m.id(), m);
        }

        @Override
        public synchronized void end(Collection<String> ids, MandateState state, Instant at, String reason) {
            check();
            for (String id : ids) {
                Mandate m = rows.get(id);
                if (m != null && m.state() == MandateState.ACTIVE) {
                    rows.put(id, with(m, m.expires(), state, at, reason));
                }
            }
        }

        @Override
        public synchronized void renew(String id, Instant expires) {
            check();
            Mandate m = row(id);
            rows.put(id, with(m, expires, m.state(), m.ended(), m.endReason()));
        }

        @Override
        public synchronized void updateFlowLabels(String id, java.util.Set<String> flowLabels) {
            check();
            Mandate m = rows.get(id);
            if (m != null) {
                rows.put(id, m.withFlowLabels(dev.mandate.core.flow.FlowLabels.joinWords(m.flowLabels(), flowLabels)));
            }
        }

        @Override
        public synchronized List<Mandate> loadAll() {
            check();
            return new ArrayList<>(rows.values());
        }

        private void check() {
            if (broken) {
                throw new MandateException(ErrorCode.UNAVAILABLE, "store down");
            }
        }

        synchronized Mandate row(String id) {
            return java.util.Objects.requireNonNull(rows.get(id), id);
        }

        private static Mandate with(
                Mandate m,
                Instant expires,
                MandateState s,
                @org.jspecify.annotations.Nullable Instant ended,
                @org.jspecify.annotations.Nullable String reason) {
            return new Mandate(
                    m.id(),
                    m.agent(),
                    m.onBehalfOf(),
                    m.purpose(),
                    m.tools(),
                    m.resources(),
                    m.tier(),
                    m.parentId(),
                    m.depth(),
                    m.issued(),
                    expires,
                    m.maxExpires(),
                    m.ttl(),
                    s,
                    m.flowLabels(),
                    m.labelCeiling(),
                    m.callBudget(),
                    ended,
                    reason,
                    m.clearance());
        }
    }

    static final class Audit implements BatchAuditSink {
        final List<AuditEntry> entries = new ArrayList<>();
        volatile boolean broken;

        @Override
        public synchronized void record(AuditEntry entry) {
            recordAll(List.of(entry));
        }

        @Override
        public synchronized void recordAll(List<AuditEntry> list) {
            if (broken) {
                throw new MandateException(ErrorCode.UNAVAILABLE, "audit down");
            }
            entries.addAll(list);
        }

        synchronized List<String> types() {
            return entries.stream().map(AuditEntry::type).toList();
        }
    }
}

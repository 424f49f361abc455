package dev.mandate.store.credential;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import java.util.ArrayList;
import java.util.List;

/** An audit sink that keeps what it is told. */
final class RecordingAuditSink implements AuditSink {
    private final List<AuditEntry> entries = new ArrayList<>();

    @Override
    public synchronized void record(AuditEntry entry) {
        entries.add(entry);
    }

    synchronized List<AuditEntry> entries() {
        return List.copyOf(entries);
    }

    synchronized List<AuditEntry> ofType(String type) {
        return entries.stream().filter(e -> e.type().equals(type)).toList();
    }
}

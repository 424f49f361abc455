package dev.mandate.core.testing;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An audit sink that keeps what it is given, for assertions. */
public final class RecordingAuditSink implements AuditSink {
    public final List<AuditEntry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEntry entry) {
        entries.add(entry);
    }

    public List<String> types() {
        return entries.stream().map(AuditEntry::type).toList();
    }
}

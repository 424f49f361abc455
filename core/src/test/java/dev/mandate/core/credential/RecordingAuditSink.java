package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import java.util.ArrayList;
import java.util.List;

/** An audit sink that keeps what it is told, and can be made to fail. */
final class RecordingAuditSink implements AuditSink {
    private final List<AuditEntry> entries = new ArrayList<>();
    private volatile boolean failing;

    @Override
    public synchronized void record(AuditEntry entry) {
        if (failing) {
            throw new MandateException(ErrorCode.UNAVAILABLE, "audit log down (test)");
        }
        entries.add(entry);
    }

    void failing(boolean fail) {
        this.failing = fail;
    }

    synchronized List<AuditEntry> entries() {
        return List.copyOf(entries);
    }

    synchronized List<String> types() {
        return entries.stream().map(AuditEntry::type).toList();
    }

    synchronized List<AuditEntry> ofType(String type) {
        return entries.stream().filter(e -> e.type().equals(type)).toList();
    }
}

package dev.mandate.core.audit;

import java.util.List;

/** An audit sink that can make several events durable at once, for operations that record many (cascades). */
public interface BatchAuditSink extends AuditSink {
    /**
     * Records events durably, all or none.
     *
     * @param entries what happened, in order
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if they could not be made durable
     */
    void recordAll(List<AuditEntry> entries);
}

package dev.mandate.core.audit;

/**
 * Where privilege changes, secret use and decisions are recorded. An implementation makes the record durable before
 * {@link #record} returns, so that an operation is acknowledged only after its evidence exists.
 */
public interface AuditSink {
    /**
     * Records one event durably.
     *
     * @param entry what happened; carries digests, never secrets or raw tokens
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the event could not be made durable; the
     *     caller must then fail the operation it was recording
     */
    void record(AuditEntry entry);
}

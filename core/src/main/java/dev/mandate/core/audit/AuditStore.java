package dev.mandate.core.audit;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the audit log keeps its events and checkpoints. Implementations make an append durable before returning and
 * never change or delete what was appended.
 */
public interface AuditStore {
    /**
     * Returns the event with the highest sequence number.
     *
     * @return the last event, or empty for an empty log
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    Optional<AuditEvent> last();

    /**
     * Appends events (consecutive sequence numbers following the last one) and optionally a checkpoint, in one
     * durable transaction: all or nothing.
     *
     * @param events the events, in sequence order
     * @param checkpoint a checkpoint of the last of them, or null
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if nothing could be made durable, including
     *     when another writer took one of the sequence numbers
     */
    void append(List<AuditEvent> events, @Nullable AuditCheckpoint checkpoint);

    /**
     * Reads events in sequence order.
     *
     * @param afterSeq read events with a greater sequence number
     * @param limit the most to read, at least 1
     * @return the events
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    List<AuditEvent> read(long afterSeq, int limit);

    /**
     * Returns every checkpoint in sequence order.
     *
     * @return the checkpoints
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    List<AuditCheckpoint> checkpoints();
}

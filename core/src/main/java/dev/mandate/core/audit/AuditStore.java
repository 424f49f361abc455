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
     * Appends events and optionally a checkpoint as {@link #append(List, AuditCheckpoint)} does, and stores rows of
     * other tables in the same durable transaction: all or nothing. A store that cannot write a row refuses the whole
     * append; this default writes no rows, so it refuses any.
     *
     * @param events the events, in sequence order
     * @param checkpoint a checkpoint of the last of them, or null
     * @param rows the rows to store with them (new mandates), possibly none
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if nothing could be made durable, including
     *     when a row is of a kind this store cannot write or the database refuses one
     */
    default void append(List<AuditEvent> events, @Nullable AuditCheckpoint checkpoint, List<AuditedRow> rows) {
        if (!rows.isEmpty()) {
            throw new dev.mandate.core.MandateException(
                    dev.mandate.core.ErrorCode.UNAVAILABLE,
                    "this audit store (" + getClass().getSimpleName() + ") cannot store rows with its events, got "
                            + rows.size() + " row(s) of "
                            + rows.get(0).getClass().getSimpleName());
        }
        append(events, checkpoint);
    }

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

package dev.mandate.core.audit;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of recomputing the audit chain.
 *
 * @param ok true if every event links to its predecessor, hashes to its stored hash, and every checkpoint is validly
 *     signed and matches the chain
 * @param eventsChecked how many events were recomputed
 * @param checkpointsChecked how many checkpoints were checked
 * @param brokenSeq the sequence number of the first broken event or checkpoint, or null when ok
 * @param problem what differs at that link, or null when ok
 */
public record AuditVerification(
        boolean ok,
        long eventsChecked,
        int checkpointsChecked,
        @Nullable Long brokenSeq,
        @Nullable String problem) {}

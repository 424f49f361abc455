package dev.mandate.core.approval;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The port where approvals live. Implementations make {@link #replace} atomic, so that an approval is used at most
 * once even when two identical calls race.
 */
public interface ApprovalStore {
    /**
     * Adds a new approval.
     *
     * @param approval the approval; its id is new
     */
    void add(Approval approval);

    /**
     * Finds one approval.
     *
     * @param id the id
     * @return it, or null
     */
    @Nullable
    Approval get(String id);

    /**
     * Finds the approvals bound to one call, oldest first.
     *
     * @param key the call
     * @return the approvals, possibly none
     */
    List<Approval> byKey(ApprovalKey key);

    /**
     * Returns every approval, oldest first.
     *
     * @return the approvals
     */
    List<Approval> all();

    /**
     * Replaces {@code expected} with {@code next} if the stored approval is still {@code expected}.
     *
     * @param expected what the caller read
     * @param next what it becomes
     * @return true if replaced, false if someone changed it first
     */
    boolean replace(Approval expected, Approval next);

    /**
     * Removes approvals that expired before an instant, to bound memory.
     *
     * @param before the instant
     * @return how many were removed
     */
    int removeExpired(java.time.Instant before);
}

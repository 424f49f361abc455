package dev.mandate.core.mandate;

/**
 * Told when a mandate stops being live, for whatever reason, so that what hangs off it (leases, sessions, pending
 * approvals) ends with it. Called once per mandate, for every mandate of a revoked subtree, after the new state is
 * durable.
 */
@FunctionalInterface
public interface MandateEndListener {
    /**
     * A mandate ended.
     *
     * @param mandateId the mandate's id
     * @param reason why: {@code closed}, {@code revoked}, {@code expired}, or a revocation reason
     */
    void mandateEnded(String mandateId, String reason);
}

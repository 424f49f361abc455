package dev.mandate.gateway.policy;

/**
 * Told when a mandate drifts: it spent its call budget or crossed the denial-burst threshold. The node wires it to
 * revoke the mandate with its subtree. Called once per mandate, on the deciding thread; it must not block for long.
 */
@FunctionalInterface
public interface DriftListener {
    /** Does nothing; decisions still deny the drifted mandate. */
    DriftListener NONE = (mandateId, reason) -> {};

    /**
     * A mandate drifted.
     *
     * @param mandateId the mandate
     * @param reason why, e.g. {@code call budget of 500 spent}
     */
    void drifted(String mandateId, String reason);
}

package dev.mandate.core.approval;

import java.util.Locale;

/** Where an approval is in its life. Only {@link #APPROVED} lets a call through, and only once. */
public enum ApprovalState {
    /** Waiting for an approver. */
    PENDING,
    /** Approved; the identical call may pass once. */
    APPROVED,
    /** Refused by an approver. */
    DENIED,
    /** The approved call was made; it cannot be used again. */
    USED;

    /**
     * Returns the name on the wire.
     *
     * @return e.g. {@code pending}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

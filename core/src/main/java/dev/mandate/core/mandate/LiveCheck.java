package dev.mandate.core.mandate;

/** The answer of {@link MandateRegistry#checkLive}: live, or why not. */
public enum LiveCheck {
    /** Active, unexpired, and so is every ancestor. */
    LIVE,
    /** No mandate has this id. */
    UNKNOWN,
    /** Its lifetime ran out. */
    EXPIRED,
    /** Its task was closed. */
    CLOSED,
    /** It was revoked. */
    REVOKED,
    /** An ancestor in its delegation chain is no longer live. */
    ANCESTOR_ENDED;

    /**
     * Tells whether this answer allows use of the mandate.
     *
     * @return true only for {@link #LIVE}
     */
    public boolean isLive() {
        return this == LIVE;
    }
}

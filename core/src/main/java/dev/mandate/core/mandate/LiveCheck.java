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
    ANCESTOR_ENDED,
    /**
     * This replica could not confirm its view of mandates with the shared store within the configured staleness bound
     * (the database or its change feed is unreachable), so it vouches for no mandate until it has caught up.
     */
    STALE;

    /**
     * Tells whether this answer allows use of the mandate.
     *
     * @return true only for {@link #LIVE}
     */
    public boolean isLive() {
        return this == LIVE;
    }
}

package dev.mandate.cedar;

/** The outcome of authorization. */
public enum Decision {
    /** A permit applied and no forbid did. */
    ALLOW,
    /** A forbid applied, or no permit did. */
    DENY
}

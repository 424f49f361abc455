package dev.mandate.cedar;

/** What a policy does when it applies: grant or deny. */
public enum Effect {
    /** Grants the request unless a forbid applies. */
    PERMIT,
    /** Denies the request, overriding every permit. */
    FORBID
}

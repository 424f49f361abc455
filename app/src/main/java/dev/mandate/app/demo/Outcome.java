package dev.mandate.app.demo;

import java.util.Locale;

/** What one step of the demo came to: a gateway decision, or the result of a control-plane step. */
enum Outcome {
    /** A control-plane step succeeded. */
    OK,
    /** The gateway allowed the call and forwarded it. */
    ALLOW,
    /** The gateway denied the call. */
    DENY,
    /** The gateway held the call for a human's approval. */
    APPROVAL_REQUIRED,
    /** A system outside Mandate refused what it was asked (e.g. PostgreSQL refused a revoked role). */
    REFUSED,
    /** Something failed that the script did not plan for. */
    ERROR;

    String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/**
 * A mandate could not be opened or delegated because the request broke a rule: it asked for more than the agent, the
 * tier or the parent mandate allows. The {@link #rule()} lets edges map it (for example to an OAuth error).
 */
public final class MandateRefused extends MandateException {
    private static final long serialVersionUID = 1L;

    /** Which rule the request broke. */
    public enum Rule {
        /** A purpose the agent or parent does not have. */
        PURPOSE,
        /** A tool outside the parent's tools. */
        TOOLS,
        /** A resource outside the parent's resources. */
        RESOURCES,
        /** A label ceiling outside the parent's, or inherited labels over the asked ceiling. */
        LABELS,
        /** A call budget over the parent's. */
        BUDGET,
        /** A lifetime past the parent's remaining one. */
        LIFETIME,
        /** A ttl or max lifetime over the tier's maximum. */
        TTL,
        /** Delegation deeper than configured. */
        DEPTH,
        /** The parent mandate is not live. */
        PARENT_NOT_LIVE,
        /** The agent may not hold this mandate (unknown, not active). */
        AGENT
    }

    private final Rule rule;

    /**
     * Creates the exception.
     *
     * @param rule the rule broken
     * @param message what was asked, the limit and where it comes from
     */
    public MandateRefused(Rule rule, String message) {
        super(
                rule == Rule.PARENT_NOT_LIVE || rule == Rule.AGENT ? ErrorCode.FORBIDDEN : ErrorCode.BAD_REQUEST,
                message);
        this.rule = rule;
    }

    /**
     * Returns the rule the request broke.
     *
     * @return the rule
     */
    public Rule rule() {
        return rule;
    }
}

package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import org.jspecify.annotations.Nullable;

/**
 * Which leases to list: every non-null field must match. Results are ordered by issue time, newest first.
 *
 * @param mandateId only leases of this mandate, or null
 * @param agent only leases of this agent, or null
 * @param backend only leases of this backend, or null
 * @param state only leases in this state, or null
 * @param limit the most leases to return, 1 to {@link #MAX_LIMIT}
 */
public record LeaseQuery(
        @Nullable String mandateId,
        @Nullable String agent,
        @Nullable String backend,
        @Nullable LeaseState state,
        int limit) {
    /** The most leases one query returns. */
    public static final int MAX_LIMIT = 1000;

    /**
     * Validates the limit.
     *
     * @throws MandateException with {@code BAD_REQUEST} if the limit is out of range
     */
    public LeaseQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "lease list limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
    }

    /**
     * Returns a query for every lease, up to the maximum.
     *
     * @return the query
     */
    public static LeaseQuery all() {
        return new LeaseQuery(null, null, null, null, MAX_LIMIT);
    }
}

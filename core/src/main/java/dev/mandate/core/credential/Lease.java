package dev.mandate.core.credential;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A just-in-time credential issued for one mandate by one backend. The lease never holds the secret itself; it holds
 * what is needed to find and revoke the credential, which backends derive from the lease id.
 *
 * @param id the lease id: 1-64 characters of a-z 0-9 and dashes, starting with a letter or digit
 * @param mandateId the mandate the lease was issued for
 * @param agent the agent (SPIFFE ID) holding the mandate
 * @param backend the name of the backend that issued the credential
 * @param scope what the credential grants, in the backend's scope language (e.g. a scope template name)
 * @param issued when the lease was issued
 * @param ttl how long each grant or renewal lasts
 * @param maxTtl the longest the lease may live from {@code issued}, renewals included
 * @param expires when the credential stops working; never after {@code issued + maxTtl} nor the mandate's expiry
 * @param renewable whether {@link LeaseManager#renew} may extend it
 * @param state where the lease is in its life
 * @param endReason why the lease ended (the expiry reason or a revocation reason), or null while active
 */
public record Lease(
        String id,
        String mandateId,
        String agent,
        String backend,
        String scope,
        Instant issued,
        Duration ttl,
        Duration maxTtl,
        Instant expires,
        boolean renewable,
        LeaseState state,
        @Nullable String endReason) {
    /** The longest mandate id, agent id or end reason accepted. */
    public static final int MAX_TEXT_LENGTH = 2048;
    /** The longest scope accepted. */
    public static final int MAX_SCOPE_LENGTH = 1000;
    /** The end reason of a lease that reached its expiry. */
    public static final String EXPIRED_REASON = "expired";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** Backend names as configured: lower case letters, digits and dashes. */
    static final Pattern BACKEND_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Validates every field. */
    public Lease {
        Objects.requireNonNull(issued, "issued");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(state, "state");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("lease id '" + id + "' must match " + ID.pattern());
        }
        requireText("mandateId", mandateId, MAX_TEXT_LENGTH);
        requireText("agent", agent, MAX_TEXT_LENGTH);
        requireText("scope", scope, MAX_SCOPE_LENGTH);
        if (!BACKEND_NAME.matcher(backend).matches()) {
            throw new IllegalArgumentException("backend name '" + backend + "' must match " + BACKEND_NAME.pattern());
        }
        if (ttl.isNegative() || ttl.isZero() || maxTtl.compareTo(ttl) < 0) {
            throw new IllegalArgumentException(
                    "lease " + id + ": need 0 < ttl <= maxTtl, got ttl " + ttl + ", maxTtl " + maxTtl);
        }
        if (expires.isAfter(issued.plus(maxTtl))) {
            throw new IllegalArgumentException(
                    "lease " + id + ": expires " + expires + " is after issued + maxTtl " + issued.plus(maxTtl));
        }
        if (endReason != null) {
            requireText("endReason", endReason, MAX_TEXT_LENGTH);
        }
    }

    /**
     * Returns the latest instant any renewal may reach.
     *
     * @return {@code issued + maxTtl}
     */
    public Instant maxExpires() {
        return issued.plus(maxTtl);
    }

    /**
     * Returns a copy in a new state.
     *
     * @param newState the state
     * @param reason why the lease ended, or null
     * @return the copy
     */
    public Lease withState(LeaseState newState, @Nullable String reason) {
        return new Lease(
                id, mandateId, agent, backend, scope, issued, ttl, maxTtl, expires, renewable, newState, reason);
    }

    /**
     * Returns a copy with a new expiry.
     *
     * @param newExpires the expiry
     * @return the copy
     */
    public Lease withExpires(Instant newExpires) {
        return new Lease(
                id, mandateId, agent, backend, scope, issued, ttl, maxTtl, newExpires, renewable, state, endReason);
    }

    private static void requireText(String field, String value, int max) {
        Objects.requireNonNull(value, field);
        if (value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException("lease " + field + " must be 1 to " + max + " characters, not blank");
        }
    }
}

package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Instant;
import java.util.Map;

/**
 * A system that mints and revokes credentials for leases: a database that creates roles, a token signer, a vault of
 * shared accounts. Backends derive every name they create from the lease id, so a lease that is durable can always be
 * revoked, even if Mandate died between issuing and recording the result. Implementations are thread-safe.
 */
public interface CredentialBackend {
    /**
     * Returns the backend's configured name, which leases record.
     *
     * @return lower case letters, digits and dashes
     */
    String name();

    /**
     * Checks that a scope is one this backend can grant.
     *
     * @param scope the scope as a lease request names it
     * @throws MandateException with {@code BAD_REQUEST} naming the scope and the scopes this backend knows
     */
    void validateScope(String scope);

    /**
     * Looks a scope up among a backend's configured ones: what each backend's {@link #validateScope} and {@link
     * #issue} share.
     *
     * @param backend the backend's name, for the message
     * @param what what a scope is called for this backend, e.g. {@code scope} or {@code shared account}
     * @param scopes the configured scopes
     * @param scope the scope asked for
     * @param <T> what a scope grants
     * @return what the scope grants
     * @throws MandateException with {@code BAD_REQUEST} naming the scope and the configured ones
     */
    static <T> T scope(String backend, String what, Map<String, T> scopes, String scope) {
        T granted = scopes.get(scope);
        if (granted == null) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "backend " + backend + " has no " + what + " '" + scope + "': configured are " + scopes.keySet());
        }
        return granted;
    }

    /**
     * Creates a credential. If this throws, nothing half-created may remain (the manager also calls {@link #revoke}
     * to be sure).
     *
     * @param request the lease, scope and latest expiry
     * @return the credential
     * @throws MandateException with {@code UNAVAILABLE} if the backend cannot be reached, {@code CONFLICT} if the
     *     scope cannot be granted now (for example, a shared account is checked out)
     */
    IssuedCredential issue(LeaseRequest request);

    /**
     * Moves the credential's expiry at the backend to {@code newExpiry}. Backends whose credentials cannot be extended
     * (a signed token's expiry is fixed) keep the default, which refuses.
     *
     * @param lease the lease being renewed
     * @param newExpiry the new expiry
     * @throws MandateException with {@code CONFLICT} if this backend cannot extend credentials, {@code UNAVAILABLE}
     *     if the backend cannot be reached
     */
    default void extend(Lease lease, Instant newExpiry) {
        throw new MandateException(
                ErrorCode.CONFLICT,
                "backend " + name() + " cannot extend a credential; issue a new lease instead of renewing "
                        + lease.id());
    }

    /**
     * Makes the lease's credential stop working. Idempotent: revoking a credential that is already gone, or that was
     * never created, succeeds.
     *
     * @param lease the lease to revoke
     * @throws MandateException with {@code UNAVAILABLE} if the backend cannot be reached; the manager retries
     */
    void revoke(Lease lease);

    /**
     * Tells the backend at start-up about a lease that is still active, so that a backend with in-memory state (such
     * as which shared account is checked out) can rebuild it. The default does nothing.
     *
     * @param lease an active lease restored from the store
     */
    default void adopt(Lease lease) {}
}

package dev.mandate.core.credential;

import java.util.Objects;

/**
 * A lease just issued, with its credential. Only the caller of {@link LeaseManager#issue} sees the credential this way.
 *
 * @param lease the durable lease
 * @param credential the credential, whose secret never prints
 */
public record IssuedLease(Lease lease, IssuedCredential credential) {
    /** Checks that no field is null. */
    public IssuedLease {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(credential, "credential");
    }
}

package dev.mandate.gateway.credential;

import dev.mandate.core.credential.IssuedCredential;
import java.time.Instant;
import java.util.Objects;

/**
 * A credential handed out for one injection into an upstream call. The lease id tells whether the credential changed
 * since the last injection (a stdio upstream's process must then restart with the new one).
 *
 * @param leaseId the lease the credential belongs to
 * @param expires when the lease expires now
 * @param credential the credential; its secret never prints
 */
public record Injection(String leaseId, Instant expires, IssuedCredential credential) {
    /** Checks that no field is null. */
    public Injection {
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(credential, "credential");
    }
}

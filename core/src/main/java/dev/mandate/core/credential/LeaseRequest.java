package dev.mandate.core.credential;

import java.time.Instant;
import java.util.Objects;

/**
 * What a backend is asked to issue. The lease is already durable when a backend sees this request, so a credential
 * that the backend creates can always be found and revoked again, even after a crash.
 *
 * @param leaseId the lease the credential belongs to; backends derive their own names (roles, token ids) from it
 * @param mandateId the mandate, for attribution
 * @param agent the agent's SPIFFE ID, for attribution
 * @param scope what to grant, in the backend's scope language
 * @param expires when the credential must stop working at the latest
 */
public record LeaseRequest(String leaseId, String mandateId, String agent, String scope, Instant expires) {
    /** Checks that no field is null. */
    public LeaseRequest {
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(mandateId, "mandateId");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(expires, "expires");
    }
}

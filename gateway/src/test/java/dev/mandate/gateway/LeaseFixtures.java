package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.CredentialBackend;
import dev.mandate.core.credential.IssuedCredential;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseRequest;
import dev.mandate.core.credential.Secret;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** A token backend for the gateway tests of the lease manager (its lease port is core's {@code InMemoryLeaseStore}). */
final class LeaseFixtures {
    private LeaseFixtures() {}

    /** Answers only a mandate's expiry, which is all the lease injector asks; a mandate without one is unknown. */
    static final class Expiries implements MandateLookup {
        /** Each known mandate's expiry. */
        final Map<String, Instant> expiry = new ConcurrentHashMap<>();

        private final Instant issued;

        Expiries(Instant issued) {
            this.issued = issued;
        }

        @Override
        public @Nullable MandateFacts mandate(String mandateId) {
            Instant expires = expiry.get(mandateId);
            return expires == null
                    ? null
                    : new MandateFacts(
                            mandateId,
                            "spiffe://mandate.local/agent/" + mandateId,
                            "support",
                            Tier.AUTONOMOUS,
                            0,
                            null,
                            issued,
                            expires,
                            Set.of(),
                            0,
                            null);
        }

        @Override
        public @Nullable AgentFacts agent(String agentId) {
            return null;
        }
    }

    /**
     * Issues tokens {@code tok-<lease id>} for user {@code u-<lease id>}, knows the scopes read and write, keeps which
     * tokens are alive, and can be made to fail.
     */
    static final class Tokens implements CredentialBackend {
        final Map<String, Instant> alive = new ConcurrentHashMap<>();
        volatile boolean down;

        @Override
        public String name() {
            return "tickets";
        }

        @Override
        public void validateScope(String scope) {
            if (!List.of("read", "write").contains(scope)) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST, "unknown scope '" + scope + "': known are read, write");
            }
        }

        @Override
        public IssuedCredential issue(LeaseRequest request) {
            if (down) {
                throw new MandateException(ErrorCode.UNAVAILABLE, "tickets backend down (test)");
            }
            alive.put(request.leaseId(), request.expires());
            return new IssuedCredential(
                    Map.of("username", "u-" + request.leaseId()), Secret.of("tok-" + request.leaseId()));
        }

        @Override
        public void extend(Lease lease, Instant newExpiry) {
            alive.put(lease.id(), newExpiry);
        }

        @Override
        public void revoke(Lease lease) {
            alive.remove(lease.id());
        }

        boolean valid(String token) {
            return token.startsWith("tok-") && alive.containsKey(token.substring(4));
        }
    }
}

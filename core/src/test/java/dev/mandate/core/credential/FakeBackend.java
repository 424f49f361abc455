package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** A backend that keeps its "credentials" in a map, can be made to fail, and records what it was asked. */
final class FakeBackend implements CredentialBackend {
    private final String name;
    final Map<String, Instant> credentials = new HashMap<>();
    final Set<String> adopted = new HashSet<>();
    int revokeFailuresLeft;
    boolean failIssue;
    boolean failAfterCreate;
    Consumer<LeaseRequest> onIssue = r -> {};

    FakeBackend(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void validateScope(String scope) {
        if (!List.of("read", "write").contains(scope)) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "unknown scope '" + scope + "': known are read, write");
        }
    }

    @Override
    public synchronized IssuedCredential issue(LeaseRequest request) {
        onIssue.accept(request);
        if (failIssue) {
            throw new MandateException(ErrorCode.UNAVAILABLE, "fake backend down");
        }
        credentials.put(request.leaseId(), request.expires());
        if (failAfterCreate) {
            throw new IllegalStateException("connection lost after create");
        }
        return new IssuedCredential(Map.of("username", "u-" + request.leaseId()), Secret.of("pw-" + request.leaseId()));
    }

    @Override
    public synchronized void extend(Lease lease, Instant newExpiry) {
        credentials.put(lease.id(), newExpiry);
    }

    @Override
    public synchronized void revoke(Lease lease) {
        if (revokeFailuresLeft > 0) {
            revokeFailuresLeft--;
            throw new MandateException(ErrorCode.UNAVAILABLE, "fake backend down at revoke");
        }
        credentials.remove(lease.id());
    }

    @Override
    public synchronized void adopt(Lease lease) {
        adopted.add(lease.id());
    }

    synchronized boolean alive(String leaseId) {
        return credentials.containsKey(leaseId);
    }
}

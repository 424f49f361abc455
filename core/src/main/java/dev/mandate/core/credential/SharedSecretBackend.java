package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Legacy shared secrets: each configured account is checked out by one lease (so one mandate) at a time, and its
 * secret is rotated when the lease ends, so a copy that leaked during the task dies with it. A second check-out of a
 * held account is refused with {@code CONFLICT} rather than waiting, because the lease manager calls backends under
 * its lock and the holder's check-in needs that lock.
 *
 * <p>The current secret lives only in memory. An account whose secret this process does not know (first use, or
 * after a restart) is rotated before it is handed out. Audit events {@code secret.checked-out},
 * {@code secret.checked-in} and {@code secret.rotated} name the account, lease and mandate, never the secret.
 * Thread-safe.
 */
public final class SharedSecretBackend implements CredentialBackend {
    /** Length of the secrets this backend generates. */
    public static final int SECRET_LENGTH = 32;

    private final String name;
    private final Map<String, SharedAccount> accounts;
    private final AuditSink audit;
    private final Map<String, Secret> current = new HashMap<>();
    private final Map<String, Holder> holders = new HashMap<>();

    /**
     * Creates a backend.
     *
     * @param name the backend's configured name
     * @param accounts the accounts, with distinct scope names
     * @param audit where check-out, check-in and rotation are recorded
     * @throws MandateException with {@code BAD_CONFIG} if there are no accounts or two share a name
     */
    public SharedSecretBackend(String name, Iterable<SharedAccount> accounts, AuditSink audit) {
        this.name = name;
        this.audit = audit;
        Map<String, SharedAccount> byScope = new TreeMap<>();
        for (SharedAccount a : accounts) {
            if (byScope.putIfAbsent(a.scope(), a) != null) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "credentials.backends." + name + ".accounts: two accounts are named '" + a.scope() + "'");
            }
        }
        if (byScope.isEmpty()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "credentials.backends." + name + ".accounts: at least one account is needed");
        }
        this.accounts = byScope;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void validateScope(String scope) {
        CredentialBackend.scope(name, "shared account", accounts, scope);
    }

    @Override
    public synchronized IssuedCredential issue(LeaseRequest request) {
        SharedAccount account = account(request.scope());
        Holder holder = holders.get(account.scope());
        if (holder != null) {
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "shared account " + account.scope() + " of backend " + name + " is checked out by mandate "
                            + holder.mandateId() + " (lease " + holder.leaseId() + ") until " + holder.expires()
                            + "; try again after it is checked in");
        }
        Secret secret = current.get(account.scope());
        if (secret == null) {
            secret = rotate(account, request.leaseId(), request.mandateId(), "first check-out by this process");
        }
        holders.put(account.scope(), new Holder(request.leaseId(), request.mandateId(), request.expires()));
        audit.record(new AuditEntry(
                "secret.checked-out",
                request.agent(),
                account.scope(),
                null,
                Map.of("lease", request.leaseId(), "mandate", request.mandateId(), "backend", name)));
        return new IssuedCredential(account.properties(), secret);
    }

    @Override
    public synchronized void revoke(Lease lease) {
        SharedAccount account = accounts.get(lease.scope());
        Holder holder = account == null ? null : holders.get(account.scope());
        if (account == null || holder == null || !holder.leaseId().equals(lease.id())) {
            return; // This lease never held the account (its check-out was refused), or was already checked in.
        }
        rotate(account, lease.id(), lease.mandateId(), "check-in");
        holders.remove(account.scope());
        audit.record(new AuditEntry(
                "secret.checked-in",
                LeaseManager.SYSTEM,
                account.scope(),
                lease.endReason(),
                Map.of("lease", lease.id(), "mandate", lease.mandateId(), "backend", name)));
    }

    @Override
    public synchronized void adopt(Lease lease) {
        if (accounts.containsKey(lease.scope())) {
            holders.put(lease.scope(), new Holder(lease.id(), lease.mandateId(), lease.expires()));
        }
    }

    private Secret rotate(SharedAccount account, String leaseId, String mandateId, String why) {
        Secret next = Secret.generate(SECRET_LENGTH);
        account.rotation().rotate(next);
        current.put(account.scope(), next);
        audit.record(new AuditEntry(
                "secret.rotated",
                LeaseManager.SYSTEM,
                account.scope(),
                why,
                Map.of("lease", leaseId, "mandate", mandateId, "backend", name)));
        return next;
    }

    private SharedAccount account(String scope) {
        return CredentialBackend.scope(name, "shared account", accounts, scope);
    }

    /** Who holds an account: enough to refuse others with a useful message and to recognise the holder's check-in. */
    private record Holder(String leaseId, String mandateId, Instant expires) {}
}

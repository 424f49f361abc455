package dev.mandate.core.mandate;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.identity.SpiffeId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link MandateStore} whose new mandates are written by the {@link AuditLog} in the transaction that records their
 * audit event ({@link AuditLog#recordWith}): a mandate row is durable exactly when its {@code mandate.opened} or
 * {@code mandate.delegated} event is, and the exchanges opening mandates at the same moment share that one group
 * commit. {@link MandateRegistry} uses {@link #insertAudited} when its store is one of these; the audit log must then
 * be the registry's own, over the same database as the mandates. Ending, renewing, flow-label updates, loading and a
 * bare {@link #insert} go to the underlying store. Thread-safe.
 */
public final class AuditedMandateStore implements MandateStore {
    private final MandateStore store;
    private final AuditLog audit;

    /**
     * Creates the store.
     *
     * @param store where mandates persist, for everything but opening them with their audit event
     * @param audit the registry's audit log, whose store writes mandate rows into the same database as {@code store}
     */
    public AuditedMandateStore(MandateStore store, AuditLog audit) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Stores a new mandate and its audit event in one transaction.
     *
     * @param mandate the new mandate
     * @param entry the event recording it
     * @throws MandateRefused with {@code AGENT} if the store refused the row because the mandate's agent is not active
     *     there (disabled meanwhile, perhaps on another replica); then neither is stored
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if they could not be made durable; then
     *     neither is stored
     */
    void insertAudited(Mandate mandate, AuditEntry entry) {
        audit.recordWith(entry, mandate);
    }

    @Override
    public void insert(Mandate mandate) {
        store.insert(mandate);
    }

    @Override
    public void end(Collection<String> ids, MandateState state, Instant at, String reason) {
        store.end(ids, state, at, reason);
    }

    @Override
    public Set<String> endActive(Collection<String> ids, MandateState state, Instant at, String reason) {
        // The store's own answer: on a shared store only the replica whose write ended a mandate audits it.
        return store.endActive(ids, state, at, reason);
    }

    @Override
    public Set<String> endActiveOfAgent(SpiffeId agent, MandateState state, Instant at, String reason) {
        return store.endActiveOfAgent(agent, state, at, reason);
    }

    @Override
    public void renew(String id, Instant expires) {
        store.renew(id, expires);
    }

    @Override
    public void updateFlowLabels(String id, Set<String> flowLabels) {
        store.updateFlowLabels(id, flowLabels);
    }

    @Override
    public List<Mandate> loadAll() {
        return store.loadAll();
    }
}

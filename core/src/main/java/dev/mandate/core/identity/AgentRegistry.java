package dev.mandate.core.identity;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Registers, changes and disables agents: validates each change, records it in the audit log
 * ({@code agent.registered}, {@code agent.updated}, {@code agent.disabled}) before it is stored, and tells listeners
 * when an agent is disabled so that its mandates and leases can be revoked. Thread-safe.
 */
public final class AgentRegistry {
    private final AgentDirectory directory;
    private final AuditSink audit;
    private final Clock clock;
    private final String trustDomain;
    private final List<Consumer<Agent>> disableListeners = new CopyOnWriteArrayList<>();

    /**
     * Creates the registry.
     *
     * @param directory where agents are stored
     * @param audit where changes are recorded
     * @param clock the time source
     * @param trustDomain the embedded trust domain, in which agents get their default SPIFFE IDs
     */
    public AgentRegistry(AgentDirectory directory, AuditSink audit, Clock clock, String trustDomain) {
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
        this.trustDomain = trustDomain;
    }

    /**
     * Adds a listener called, after the change is stored, with each agent that gets disabled.
     *
     * @param listener what to call; it must not throw
     */
    public void onDisabled(Consumer<Agent> listener) {
        disableListeners.add(listener);
    }

    /**
     * Returns the directory the registry writes to, for reads.
     *
     * @return the directory
     */
    public AgentDirectory directory() {
        return directory;
    }

    /**
     * Registers an agent, active from now.
     *
     * @param r what to register
     * @param actor who asks, for the audit log
     * @return the agent as stored
     * @throws MandateException with {@code BAD_REQUEST} for an invalid field, {@code CONFLICT} if the name or SPIFFE ID
     *     is taken, {@code UNAVAILABLE} if the store or audit log cannot be written
     */
    public Agent register(AgentRegistration r, String actor) {
        SpiffeId id = r.id() != null ? r.id() : SpiffeId.agent(trustDomain, Agent.checkName(r.name()));
        Agent agent = new Agent(
                r.name(), id, r.owner(), r.tier(), r.purposes(), r.labelsCeiling(), AgentStatus.ACTIVE, now());
        if (directory.findByName(agent.name()).isPresent()) {
            throw new MandateException(ErrorCode.CONFLICT, "an agent named '" + agent.name() + "' already exists");
        }
        if (directory.find(id).isPresent()) {
            throw new MandateException(ErrorCode.CONFLICT, "another agent already authenticates as " + id);
        }
        audit.record(new AuditEntry("agent.registered", actor, id.toString(), null, describe(agent)));
        directory.register(agent);
        return agent;
    }

    /**
     * Applies a partial update. Re-activating a disabled agent is an update with status {@code active}.
     *
     * @param name the agent's name
     * @param changes what to change
     * @param actor who asks, for the audit log
     * @return the agent as now stored
     * @throws MandateException with {@code NOT_FOUND}, {@code BAD_REQUEST} for an invalid field, or
     *     {@code UNAVAILABLE}
     */
    public Agent update(String name, AgentChanges changes, String actor) {
        Agent old = get(name);
        Agent next = new Agent(
                old.name(),
                old.id(),
                changes.owner() != null ? changes.owner() : old.owner(),
                changes.tier() != null ? changes.tier() : old.tier(),
                changes.purposes() != null ? changes.purposes() : old.purposes(),
                changes.clearLabelsCeiling()
                        ? null
                        : changes.labelsCeiling() != null ? changes.labelsCeiling() : old.labelsCeiling(),
                changes.status() != null ? changes.status() : old.status(),
                old.created());
        if (next.equals(old)) {
            return old;
        }
        audit.record(new AuditEntry("agent.updated", actor, old.id().toString(), null, describe(next)));
        directory.update(next);
        if (old.isActive() && !next.isActive()) {
            disableListeners.forEach(l -> l.accept(next));
        }
        return next;
    }

    /**
     * Disables an agent: it gets no new SVIDs or mandates, and listeners revoke what it holds. Disabling a disabled
     * agent changes nothing and records nothing.
     *
     * @param name the agent's name
     * @param actor who asks, for the audit log
     * @param reason why, or null
     * @return the agent as now stored
     * @throws MandateException with {@code NOT_FOUND} or {@code UNAVAILABLE}
     */
    public Agent disable(String name, String actor, @Nullable String reason) {
        Agent old = get(name);
        if (!old.isActive()) {
            return old;
        }
        audit.record(new AuditEntry("agent.disabled", actor, old.id().toString(), reason, Map.of("name", name)));
        Agent disabled = directory.disable(name);
        disableListeners.forEach(l -> l.accept(disabled));
        return disabled;
    }

    /**
     * Returns an agent by name.
     *
     * @param name the name
     * @return the agent
     * @throws MandateException with {@code NOT_FOUND} naming it, or {@code UNAVAILABLE}
     */
    public Agent get(String name) {
        return directory
                .findByName(name)
                .orElseThrow(() -> new MandateException(ErrorCode.NOT_FOUND, "no agent named '" + name + "'"));
    }

    /**
     * Finds the agent that authenticates as a SPIFFE ID.
     *
     * @param id the SPIFFE ID
     * @return the agent, whatever its status, or empty
     * @throws MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    public Optional<Agent> find(SpiffeId id) {
        return directory.find(id);
    }

    /**
     * Lists every agent, by name.
     *
     * @return the agents
     * @throws MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    public List<Agent> list() {
        return directory.list();
    }

    private Instant now() {
        // The store keeps microseconds at best; millisecond precision makes what is returned equal what is read back.
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Map<String, String> describe(Agent a) {
        Map<String, String> d = new HashMap<>();
        d.put("name", a.name());
        d.put("owner", a.owner());
        d.put("tier", a.tier().wireName());
        d.put("purposes", String.join(",", a.purposes()));
        if (a.labelsCeiling() != null) {
            d.put("labelsCeiling", String.join(",", a.labelsCeiling()));
        }
        d.put("status", a.status().wireName());
        return d;
    }
}

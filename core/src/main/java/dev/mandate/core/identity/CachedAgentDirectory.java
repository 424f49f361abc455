package dev.mandate.core.identity;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link AgentDirectory} that keeps the agents it has seen in memory, written through to another directory: every
 * token exchange and every gateway call reads its agent, and on the embedded store that read was one of the largest
 * costs of an exchange.
 *
 * <p>A change is made durable in the underlying directory first and then replaces the remembered agent, before the
 * call returns; so a disabled agent is refused on the very next read, and the {@link AgentRegistry}'s listeners
 * already see the new state. A change that fails forgets the agent (the store may or may not have it), so the next
 * read asks the store again. Agents are read through on a miss; an absent agent is not remembered. Misses and writes
 * share one lock, so a read from the store can never put back an agent older than a concurrent change.
 *
 * <p>Only for a store that no other process changes (the embedded store): this directory cannot see changes made
 * elsewhere. {@link #list} always reads the store.
 */
public final class CachedAgentDirectory implements AgentDirectory {
    private final AgentDirectory store;
    private final ConcurrentHashMap<SpiffeId, Agent> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Agent> byName = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    /**
     * Creates the directory over the one that persists agents.
     *
     * @param store where agents persist; no one else may change it
     */
    public CachedAgentDirectory(AgentDirectory store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<Agent> find(SpiffeId id) {
        Agent a = byId.get(id);
        if (a != null) {
            return Optional.of(a);
        }
        synchronized (lock) {
            a = byId.get(id);
            return a != null ? Optional.of(a) : remember(store.find(id));
        }
    }

    @Override
    public Optional<Agent> findByName(String name) {
        Agent a = byName.get(name);
        if (a != null) {
            return Optional.of(a);
        }
        synchronized (lock) {
            a = byName.get(name);
            return a != null ? Optional.of(a) : remember(store.findByName(name));
        }
    }

    @Override
    public List<Agent> list() {
        return store.list();
    }

    @Override
    public void register(Agent agent) {
        synchronized (lock) {
            try {
                store.register(agent);
            } catch (RuntimeException e) {
                forget(agent);
                throw e;
            }
            put(agent);
        }
    }

    @Override
    public void update(Agent agent) {
        synchronized (lock) {
            try {
                store.update(agent);
            } catch (RuntimeException e) {
                forget(agent);
                throw e;
            }
            put(agent);
        }
    }

    @Override
    public Agent disable(String name) {
        synchronized (lock) {
            Agent disabled;
            try {
                disabled = store.disable(name);
            } catch (RuntimeException e) {
                byName.computeIfPresent(name, (n, known) -> {
                    byId.remove(known.id());
                    return null;
                });
                throw e;
            }
            put(disabled);
            return disabled;
        }
    }

    // Must hold the lock.
    private Optional<Agent> remember(Optional<Agent> found) {
        found.ifPresent(this::put);
        return found;
    }

    // Must hold the lock.
    private void put(Agent a) {
        byId.put(a.id(), a);
        byName.put(a.name(), a);
    }

    // Must hold the lock.
    private void forget(Agent a) {
        Agent sameId = byId.remove(a.id());
        if (sameId != null) {
            byName.remove(sameId.name());
        }
        Agent sameName = byName.remove(a.name());
        if (sameName != null) {
            byId.remove(sameName.id());
        }
    }
}

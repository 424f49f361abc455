package dev.mandate.core.testing;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentDirectory;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.identity.SpiffeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Agents in memory, for tests of core alone; the store's JDBC directory is tested against real databases. */
public final class InMemoryAgentDirectory implements AgentDirectory {
    private final Map<String, Agent> agents = new TreeMap<>();

    @Override
    public synchronized Optional<Agent> find(SpiffeId id) {
        return agents.values().stream().filter(a -> a.id().equals(id)).findFirst();
    }

    @Override
    public synchronized Optional<Agent> findByName(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    @Override
    public synchronized List<Agent> list() {
        return List.copyOf(agents.values());
    }

    @Override
    public synchronized void register(Agent agent) {
        if (agents.containsKey(agent.name()) || find(agent.id()).isPresent()) {
            throw new MandateException(ErrorCode.CONFLICT, "taken: " + agent.name());
        }
        agents.put(agent.name(), agent);
    }

    @Override
    public synchronized void update(Agent agent) {
        if (!agents.containsKey(agent.name())) {
            throw new MandateException(ErrorCode.NOT_FOUND, "no agent named '" + agent.name() + "'");
        }
        agents.put(agent.name(), agent);
    }

    @Override
    public synchronized Agent disable(String name) {
        Agent a = findByName(name)
                .orElseThrow(() -> new MandateException(ErrorCode.NOT_FOUND, "no agent named '" + name + "'"));
        Agent off = a.withStatus(AgentStatus.DISABLED);
        agents.put(name, off);
        return off;
    }
}

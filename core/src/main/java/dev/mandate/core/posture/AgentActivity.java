package dev.mandate.core.posture;

import dev.mandate.core.audit.AuditEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What agents did, read from a stretch of the audit log: when each was last seen (any event it acted in or that names
 * it) and which tools it was allowed to call. Immutable.
 */
public final class AgentActivity {
    /** No events read: nothing is known before {@code Instant.MAX}. */
    public static final AgentActivity NONE = new AgentActivity(Instant.MAX, Map.of(), Map.of());

    private final Instant since;
    private final Map<String, Instant> lastSeen;
    private final Map<String, Set<String>> toolsUsed;

    private AgentActivity(Instant since, Map<String, Instant> lastSeen, Map<String, Set<String>> toolsUsed) {
        this.since = since;
        this.lastSeen = Map.copyOf(lastSeen);
        this.toolsUsed = Map.copyOf(toolsUsed);
    }

    /**
     * Reads events.
     *
     * @param events audit events, in any order
     * @param since the time from which the events are complete (the older of the window start and the first event read
     *     when the read was cut short, never later than the first event)
     * @return the activity
     */
    public static AgentActivity from(List<AuditEvent> events, Instant since) {
        Map<String, Instant> seen = new HashMap<>();
        Map<String, Set<String>> tools = new HashMap<>();
        for (AuditEvent e : events) {
            note(seen, e.actor(), e.time());
            note(seen, e.subject(), e.time());
            String agent = e.details().get("agent");
            if (agent != null) {
                note(seen, agent, e.time());
            }
            String tool = e.details().get("tool");
            if (e.type().equals("gateway.call") && "allow".equals(e.details().get("decision")) && tool != null) {
                tools.computeIfAbsent(e.actor(), k -> new TreeSet<>()).add(tool);
            }
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        tools.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
        return new AgentActivity(since, seen, frozen);
    }

    private static void note(Map<String, Instant> seen, String who, Instant at) {
        if (who.startsWith("spiffe://")) {
            seen.merge(who, at, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /**
     * Returns from when the activity is complete.
     *
     * @return the instant
     */
    public Instant since() {
        return since;
    }

    /**
     * Returns when an agent was last seen in the events read.
     *
     * @param spiffeId the agent's SPIFFE ID
     * @return the time, or empty if not seen since {@link #since()}
     */
    public Optional<Instant> lastSeen(String spiffeId) {
        return Optional.ofNullable(lastSeen.get(spiffeId));
    }

    /**
     * Returns the tools (Cedar actions) an agent was allowed to call in the events read.
     *
     * @param spiffeId the agent's SPIFFE ID
     * @return the actions
     */
    public Set<String> toolsUsed(String spiffeId) {
        return toolsUsed.getOrDefault(spiffeId, Set.of());
    }
}

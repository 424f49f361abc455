package dev.mandate.gateway.transport;

import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The live sessions: a bounded count, idle expiry on an injected clock, swept when a new one is needed. */
final class SessionTable {
    private final InstantSource clock;
    private final int maxSessions;
    private final Duration idleTimeout;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    SessionTable(InstantSource clock, int maxSessions, Duration idleTimeout) {
        this.clock = clock;
        this.maxSessions = maxSessions;
        this.idleTimeout = idleTimeout;
    }

    Session open(String mandateId, String protocolVersion) {
        return open(
                mandateId, protocolVersion, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }

    Session open(String mandateId, String protocolVersion, com.fasterxml.jackson.databind.JsonNode capabilities) {
        if (sessions.size() >= maxSessions) {
            sweep();
        }
        synchronized (this) {
            if (sessions.size() >= maxSessions) {
                throw new GatewayException(
                        GatewayError.OVERLOADED,
                        "the gateway holds " + maxSessions + " sessions, its limit (gateway.max-sessions); try later");
            }
            Session session = new Session(
                    UUID.randomUUID().toString(), mandateId, protocolVersion, capabilities, clock.instant());
            sessions.put(session.id, session);
            return session;
        }
    }

    /** Returns the live session, touching it, or null if unknown or expired (then it is removed). */
    @Nullable
    Session find(String id) {
        Session session = sessions.get(id);
        if (session == null) {
            return null;
        }
        if (expired(session)) {
            remove(id);
            return null;
        }
        session.touch(clock.instant());
        return session;
    }

    boolean remove(String id) {
        Session session = sessions.remove(id);
        if (session != null) {
            session.close();
            return true;
        }
        return false;
    }

    int size() {
        return sessions.size();
    }

    List<Session> all() {
        return List.copyOf(sessions.values());
    }

    void closeAll() {
        sessions.keySet().forEach(this::remove);
    }

    private boolean expired(Session session) {
        return !session.lastSeen().plus(idleTimeout).isAfter(clock.instant());
    }

    private void sweep() {
        sessions.values().stream().filter(this::expired).map(s -> s.id).toList().forEach(this::remove);
    }
}

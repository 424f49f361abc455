package dev.mandate.gateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One MCP session: bound to the mandate that opened it, with the client capabilities the agent declared, a queue for
 * messages to its GET stream, and the gateway's requests to the agent that await its answer.
 */
final class Session {
    /** The most gateway requests to one agent session awaiting an answer at once. */
    static final int MAX_PENDING_REQUESTS = 16;

    /** The prefix of the ids of the gateway's requests to agents. */
    static final String REQUEST_ID_PREFIX = "mandate-";

    /** Messages waiting for the GET stream; list-changed hints past it are dropped as they are idempotent. */
    static final int MAX_QUEUED = 256;

    /** Written to the queue to end the GET stream. */
    static final String END = "";

    final String id;
    final String mandateId;
    final String protocolVersion;
    final BlockingQueue<String> outbound = new ArrayBlockingQueue<>(MAX_QUEUED);
    final AtomicBoolean streaming = new AtomicBoolean();
    /** The caller that opened the GET stream while it is open, else null. */
    volatile @Nullable CallerContext listener;

    final JsonNode clientCapabilities;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private volatile Instant lastSeen;
    private volatile boolean closed;

    Session(String id, String mandateId, String protocolVersion, Instant now) {
        this(id, mandateId, protocolVersion, JsonNodeFactory.instance.objectNode(), now);
    }

    Session(String id, String mandateId, String protocolVersion, JsonNode clientCapabilities, Instant now) {
        this.id = id;
        this.mandateId = mandateId;
        this.protocolVersion = protocolVersion;
        this.clientCapabilities =
                clientCapabilities.isObject() ? clientCapabilities.deepCopy() : JsonNodeFactory.instance.objectNode();
        this.lastSeen = now;
    }

    /**
     * Registers a gateway request to the agent and returns its id; its answer completes {@code answer}.
     *
     * @throws GatewayException with {@code OVERLOADED} past {@link #MAX_PENDING_REQUESTS}, or when the session closed
     */
    String expect(CompletableFuture<JsonNode> answer) {
        if (closed) {
            throw new GatewayException(GatewayError.UPSTREAM_UNAVAILABLE, "the agent's session has ended");
        }
        if (pending.size() >= MAX_PENDING_REQUESTS) {
            throw new GatewayException(
                    GatewayError.OVERLOADED,
                    "the agent's session already has " + MAX_PENDING_REQUESTS
                            + " requests from upstreams awaiting an answer (Session.MAX_PENDING_REQUESTS)");
        }
        String requestId = REQUEST_ID_PREFIX + requestIds.incrementAndGet();
        pending.put(requestId, answer);
        var unused = answer.whenComplete((r, e) -> pending.remove(requestId, answer));
        return requestId;
    }

    /** Completes the pending request the agent's response names; false if none does (unknown, answered, timed out). */
    boolean answered(@Nullable JsonNode requestId, JsonNode response) {
        if (requestId == null || !requestId.isTextual()) {
            return false;
        }
        CompletableFuture<JsonNode> answer = pending.remove(requestId.asText());
        return answer != null && answer.complete(response);
    }

    Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }

    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
        pending.values()
                .forEach(a -> a.completeExceptionally(
                        new GatewayException(GatewayError.UPSTREAM_UNAVAILABLE, "the agent's session has ended")));
        pending.clear();
        outbound.clear();
        outbound.offer(END);
    }

    void send(String message) {
        if (!closed) {
            outbound.offer(message);
        }
    }
}

package dev.mandate.gateway.transport;

import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** One MCP session: bound to the mandate that opened it, with a queue for messages to its GET stream. */
final class Session {
    /** Messages waiting for the GET stream; list-changed hints past it are dropped as they are idempotent. */
    static final int MAX_QUEUED = 256;

    /** Written to the queue to end the GET stream. */
    static final String END = "";

    final String id;
    final String mandateId;
    final String protocolVersion;
    final BlockingQueue<String> outbound = new ArrayBlockingQueue<>(MAX_QUEUED);
    final AtomicBoolean streaming = new AtomicBoolean();
    private volatile Instant lastSeen;
    private volatile boolean closed;

    Session(String id, String mandateId, String protocolVersion, Instant now) {
        this.id = id;
        this.mandateId = mandateId;
        this.protocolVersion = protocolVersion;
        this.lastSeen = now;
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
        outbound.clear();
        outbound.offer(END);
    }

    void send(String message) {
        if (!closed) {
            outbound.offer(message);
        }
    }
}

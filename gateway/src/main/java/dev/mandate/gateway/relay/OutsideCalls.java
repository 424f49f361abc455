package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.gateway.transport.AgentStreams;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Where one upstream connection's requests to the client go when they belong to no call in flight (sent on an HTTP
 * upstream's GET stream, or by a stdio process while none of its requests is in flight). A connection of one mandate
 * relays them to that mandate's agent over the GET stream of its most recently used session (among those that declared
 * the capability the request needs, if any did; {@link AgentStreams}),
 * decided, limited and recorded as requests made during a call are ({@link ClientRequests}); with no such stream open
 * they are refused {@code -32601} saying so. A connection shared by all agents refuses them {@code -32601}: nothing
 * says whose they are. Every refusal is recorded too.
 */
final class OutsideCalls implements CallObserver {
    /** Refuses without recording; for connections built outside a relay (tests of the transport alone). */
    static final OutsideCalls UNRECORDED = new OutsideCalls(null, "", null, AgentStreams.NONE);

    private final @Nullable ClientRequests clientRequests;
    private final String server;
    private final @Nullable String mandateId;
    private final AgentStreams streams;

    private OutsideCalls(
            @Nullable ClientRequests clientRequests, String server, @Nullable String mandateId, AgentStreams streams) {
        this.clientRequests = clientRequests;
        this.server = server;
        this.mandateId = mandateId;
        this.streams = streams;
    }

    /** For the one connection that serves every agent: requests outside a call are refused and recorded. */
    static OutsideCalls shared(ClientRequests clientRequests, String server) {
        return new OutsideCalls(clientRequests, server, null, AgentStreams.NONE);
    }

    /** For the connection of one mandate: requests outside a call go to that mandate's open GET stream. */
    static OutsideCalls ofMandate(
            ClientRequests clientRequests, String server, String mandateId, AgentStreams streams) {
        return new OutsideCalls(clientRequests, server, mandateId, streams);
    }

    /** Whether the connection belongs to one mandate (and so may hear of its agent's roots changing). */
    boolean oneMandate() {
        return mandateId != null;
    }

    @Override
    public void progress(double progress, @Nullable Double total, @Nullable String message) {
        // Progress belongs to calls; a connection's own progress tokens are always a call's.
    }

    @Override
    public void cancellable(Runnable cancel) {
        // Nothing outside a call is cancelled by the agent.
    }

    @Override
    public ObjectNode clientRequest(
            String method, JsonNode params, Duration timeout, CompletableFuture<String> withdrawn) {
        ClientRequests requests = clientRequests;
        if (requests == null) {
            return CallObserver.super.clientRequest(method, params, timeout, withdrawn);
        }
        String mandate = mandateId;
        if (mandate == null) {
            return requests.refused(
                    server,
                    null,
                    method,
                    params,
                    "upstream '" + server + "' sent " + method + " on its one connection, shared by all agents, and"
                            + " not on the stream of a call: nothing ties it to one agent, so it is refused");
        }
        String capability = ClientRequests.capability(method);
        AgentStreams.Listener listener = streams.listener(mandate, capability == null ? "" : capability);
        if (listener == null) {
            return requests.refused(
                    server,
                    mandate,
                    method,
                    params,
                    "upstream '" + server + "' sent " + method + " outside any call, and no session of mandate "
                            + mandate + " has a GET stream open to relay it on");
        }
        return requests.answer(listener.caller(), server, listener.exchange(), method, params, timeout, withdrawn);
    }
}

package dev.mandate.gateway.transport;

import dev.mandate.gateway.CallerContext;
import org.jspecify.annotations.Nullable;

/**
 * The agent sessions that can be reached outside any request of theirs: those whose GET stream is open. An upstream
 * connection that belongs to one mandate sends the requests to the client that belong to no call (sampling,
 * elicitation, roots) through it; the MCP specification lets a server send requests on the GET stream, "unrelated to
 * any concurrently-running JSON-RPC request from the client" (Streamable HTTP, revisions 2025-06-18 and 2025-11-25).
 */
public interface AgentStreams {
    /** No session is ever reachable. */
    AgentStreams NONE = (mandateId, capability) -> null;

    /**
     * Returns the open GET stream of the mandate's most recently used session among those whose agent declared the
     * client capability, else among all of them (the capability check then refuses the request, saying why).
     *
     * @param mandateId the mandate
     * @param capability the client capability the request needs ({@code sampling}, {@code elicitation},
     *     {@code roots})
     * @return the stream, or null if no session of the mandate has one open
     */
    @Nullable
    Listener listener(String mandateId, String capability);

    /**
     * One session's open GET stream.
     *
     * @param caller the caller as authenticated when the stream was opened
     * @param exchange sends the agent requests and notifications on that stream; its {@link Exchange#requestId()} is
     *     JSON null, as the requests belong to no request of the agent
     */
    record Listener(CallerContext caller, Exchange exchange) {}
}

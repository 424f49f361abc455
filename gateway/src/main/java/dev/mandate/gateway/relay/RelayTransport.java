package dev.mandate.gateway.relay;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The SDK client's transport to one upstream, wrapped so that the gateway can cancel its own tool calls, resource reads
 * and prompt fetches: the SDK client (1.1.x) has no cancellation and chooses request ids itself, so this wrapper learns
 * the id of each relayed {@code tools/call}, {@code resources/read} and {@code prompts/get} from the progress token the
 * gateway put into it, and on cancellation sends
 * {@code notifications/cancelled} with that id and completes the SDK's wait with a {@code -32800} error. Progress for
 * those tokens is taken here too, in arrival order and before the call's answer is handled: the SDK hands progress to
 * its consumers on another thread, where the last events could arrive after the call has ended and be lost.
 */
final class RelayTransport implements McpClientTransport {
    /** The prefix of the progress tokens the gateway gives relayed calls. */
    static final String TOKEN_PREFIX = "mandate-";

    /** The JSON-RPC code of the error that ends a cancelled call's wait (as in LSP's RequestCancelled). */
    static final int CANCELLED = -32800;

    private static final Logger LOG = LoggerFactory.getLogger(RelayTransport.class);

    private final McpClientTransport delegate;
    private final BiConsumer<String, Map<?, ?>> progress;
    private final Map<String, Object> requestIds = new ConcurrentHashMap<>();
    private final Set<String> cancelledEarly = ConcurrentHashMap.newKeySet();
    private final @Nullable Predicate<McpSchema.JSONRPCRequest> clientRequests;
    private final BiConsumer<Object, String> cancelled;
    private volatile @Nullable Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> inbound;

    /**
     * A transport whose server-to-client requests are offered to {@code clientRequests} first: a request it takes
     * (returns true for) is its to answer with {@link #respond}, and the SDK client never sees it. The server's
     * {@code notifications/cancelled} go to {@code cancelled} with the request id and the reason (empty if none).
     */
    RelayTransport(
            McpClientTransport delegate,
            BiConsumer<String, Map<?, ?>> progress,
            @Nullable Predicate<McpSchema.JSONRPCRequest> clientRequests,
            BiConsumer<Object, String> cancelled) {
        this.delegate = delegate;
        this.progress = progress;
        this.clientRequests = clientRequests;
        this.cancelled = cancelled;
    }

    /**
     * Sends the server a notification without parameters, not waiting for it to be written.
     *
     * @param method the notification method
     */
    void notify(String method) {
        delegate.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, Map.of()))
                .subscribe(v -> {}, e -> LOG.debug("{} could not be sent upstream: {}", method, e.toString()));
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        inbound = handler;
        return delegate.connect(messages -> handler.apply(messages.doOnNext(this::inspect)
                .filter(m -> !(m instanceof McpSchema.JSONRPCRequest r
                        && clientRequests != null
                        && clientRequests.test(r)))));
    }

    /**
     * Answers a server-to-client request taken by the interceptor.
     *
     * @param id the request's id
     * @param result the result, or null with an error
     * @param error the error, or null with a result
     */
    void respond(Object id, @Nullable Object result, McpSchema.JSONRPCResponse.@Nullable JSONRPCError error) {
        delegate.sendMessage(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, result, error))
                .subscribe(v -> {}, e -> LOG.debug("an answer could not be sent upstream: {}", e.toString()));
    }

    private void inspect(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCNotification n
                && "notifications/cancelled".equals(n.method())
                && n.params() instanceof Map<?, ?> params) {
            Object requestId = params.get("requestId");
            if (requestId != null) {
                cancelled.accept(requestId, params.get("reason") instanceof String reason ? reason : "");
            }
            return;
        }
        if (message instanceof McpSchema.JSONRPCNotification n
                && "notifications/progress".equals(n.method())
                && n.params() instanceof Map<?, ?> params
                && params.get("progressToken") instanceof String token
                && token.startsWith(TOKEN_PREFIX)) {
            try {
                progress.accept(token, params);
            } catch (RuntimeException e) {
                LOG.debug("relaying progress failed: {}", e.toString());
            }
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        String token = token(message);
        if (token == null) {
            return delegate.sendMessage(message);
        }
        Object id = ((McpSchema.JSONRPCRequest) message).id();
        if (cancelledEarly.remove(token)) {
            // Cancelled before it was sent: it never leaves the gateway.
            answerCancelled(id);
            return Mono.empty();
        }
        requestIds.put(token, id);
        return delegate.sendMessage(message);
    }

    /** Cancels the call carrying the token: upstream is told, and the SDK stops waiting. */
    void cancel(String token, String reason) {
        Object id = requestIds.remove(token);
        if (id == null) {
            cancelledEarly.add(token);
            return;
        }
        delegate.sendMessage(new McpSchema.JSONRPCNotification(
                        McpSchema.JSONRPC_VERSION,
                        "notifications/cancelled",
                        Map.of("requestId", id, "reason", reason)))
                .subscribe(
                        v -> {},
                        e -> LOG.debug("notifications/cancelled could not be sent upstream: {}", e.toString()));
        answerCancelled(id);
    }

    /** Forgets a finished call. */
    void forget(String token) {
        requestIds.remove(token);
        cancelledEarly.remove(token);
    }

    private void answerCancelled(Object id) {
        Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler = inbound;
        if (handler == null) {
            return;
        }
        McpSchema.JSONRPCResponse cancelled = new McpSchema.JSONRPCResponse(
                McpSchema.JSONRPC_VERSION,
                id,
                null,
                new McpSchema.JSONRPCResponse.JSONRPCError(CANCELLED, "the request was cancelled", null));
        handler.apply(Mono.just(cancelled))
                .subscribe(v -> {}, e -> LOG.debug("ending a cancelled call's wait failed: {}", e.toString()));
    }

    /** The gateway's progress token of a relayed {@code tools/call}, {@code resources/read} or {@code prompts/get}. */
    private static @Nullable String token(McpSchema.JSONRPCMessage message) {
        if (!(message instanceof McpSchema.JSONRPCRequest request)) {
            return null;
        }
        Map<String, Object> meta = switch (request.params()) {
            case McpSchema.CallToolRequest call -> call.meta();
            case McpSchema.ReadResourceRequest read -> read.meta();
            case McpSchema.GetPromptRequest prompt -> prompt.meta();
            case null, default -> null;
        };
        if (meta != null && meta.get("progressToken") instanceof String token && token.startsWith(TOKEN_PREFIX)) {
            return token;
        }
        return null;
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }
}

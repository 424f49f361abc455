package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.gateway.CredentialBinding;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.UpstreamConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream reached through the official MCP Java SDK client, over Streamable HTTP or stdio. It connects on first
 * use and again after a transport failure. Progress of a tool call, resource read or prompt fetch is routed back to its
 * {@link CallObserver}, which can also cancel it. It declares no sampling, elicitation or roots capability, so the SDK answers such
 * server-to-client requests with {@code -32601}: they are refused, never left unanswered. The gateway uses it for stdio
 * upstreams; Streamable HTTP ones go through the leaner {@link StreamableHttpUpstream}, whose tests use this class's
 * HTTP path as the reference for what is relayed and how errors map.
 */
final class SdkUpstream implements Upstream {
    /** The most pages of one list followed. */
    static final int MAX_PAGES = 100;

    private static final Logger LOG = LoggerFactory.getLogger(SdkUpstream.class);

    private final UpstreamConfig config;
    private final Duration timeout;
    private final String version;
    private final ObjectMapper json;
    private final Consumer<String> listChanged;
    private final BiConsumer<String, List<JsonNode>> toolsListed;
    private final Map<String, String> credentialEnv;
    private final @Nullable Supplier<String> credentialHeader;
    private @Nullable McpSyncClient client;
    private volatile @Nullable RelayTransport transport;
    private final AtomicLong tokens = new AtomicLong();
    private final Map<String, CallObserver> observers = new ConcurrentHashMap<>();
    private volatile @Nullable Map<String, JsonNode> toolCache;
    private final boolean relayClientRequests;
    private final OutsideCalls outside;
    /** The server's requests to the client being relayed, by {@link #key}: its cancellation withdraws one. */
    private final Map<String, java.util.concurrent.CompletableFuture<String>> relayed = new ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicInteger clientRequestsInFlight =
            new java.util.concurrent.atomic.AtomicInteger();

    SdkUpstream(
            UpstreamConfig config,
            Duration timeout,
            String version,
            ObjectMapper json,
            Consumer<String> listChanged,
            BiConsumer<String, List<JsonNode>> toolsListed) {
        this(config, timeout, version, json, listChanged, toolsListed, Map.of(), null);
    }

    /**
     * An upstream connection for one mandate: an HTTP upstream gets the configured credential header, its value read
     * on every request (so a renewed or replaced lease takes effect at once); a stdio upstream's process starts with
     * the credential's environment variables.
     */
    SdkUpstream(
            UpstreamConfig config,
            Duration timeout,
            String version,
            ObjectMapper json,
            Consumer<String> listChanged,
            BiConsumer<String, List<JsonNode>> toolsListed,
            Map<String, String> credentialEnv,
            @Nullable Supplier<String> credentialHeader) {
        this(
                config,
                timeout,
                version,
                json,
                listChanged,
                toolsListed,
                credentialEnv,
                credentialHeader,
                false,
                OutsideCalls.UNRECORDED);
    }

    /**
     * An upstream connection that relays the server's requests to the client (sampling, elicitation, roots) to the
     * agent session of a request in flight on it when {@code relayClientRequests} (the connection is then the
     * mandate's alone, so any request in flight on it is that mandate's), and hands those that arrive while none is in
     * flight, or all of them without {@code relayClientRequests}, to {@code outside}.
     */
    SdkUpstream(
            UpstreamConfig config,
            Duration timeout,
            String version,
            ObjectMapper json,
            Consumer<String> listChanged,
            BiConsumer<String, List<JsonNode>> toolsListed,
            Map<String, String> credentialEnv,
            @Nullable Supplier<String> credentialHeader,
            boolean relayClientRequests,
            OutsideCalls outside) {
        this.relayClientRequests = relayClientRequests;
        this.outside = outside;
        this.config = config;
        this.timeout = timeout;
        this.version = version;
        this.json = json;
        this.listChanged = listChanged;
        this.toolsListed = toolsListed;
        this.credentialEnv = Map.copyOf(credentialEnv);
        this.credentialHeader = credentialHeader;
    }

    /** The SDK's own JSON mapper, looked up on first connect so that start-up does not pay for it. */
    private static McpJsonMapper sdkJson() {
        return McpJsonDefaults.getMapper();
    }

    @Override
    public String name() {
        return config.name();
    }

    private synchronized McpSyncClient client() {
        McpSyncClient c = client;
        if (c != null) {
            return c;
        }
        McpClientTransport wire = switch (config) {
            case UpstreamConfig.Http h -> {
                URI url = h.url();
                String base = url.getScheme() + "://" + url.getRawAuthority();
                String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
                HttpClientStreamableHttpTransport.Builder builder = HttpClientStreamableHttpTransport.builder(base)
                        .endpoint(path)
                        .connectTimeout(timeout);
                Supplier<String> header = credentialHeader;
                CredentialBinding binding = h.credential();
                if (header != null && binding != null) {
                    String name = Objects.requireNonNull(binding.header());
                    // Every request of this connection (initialize, calls, the GET stream) carries the credential.
                    builder.httpRequestCustomizer(
                            (request, method, uri, body, context) -> request.setHeader(name, header.get()));
                }
                yield builder.build();
            }
            case UpstreamConfig.Stdio s -> {
                Map<String, String> env = new LinkedHashMap<>(s.env());
                env.putAll(credentialEnv);
                yield new StdioClientTransport(
                        ServerParameters.builder(s.command())
                                .args(s.args())
                                .env(env)
                                .build(),
                        sdkJson());
            }
        };
        java.util.concurrent.atomic.AtomicReference<@Nullable RelayTransport> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        // Every sampling, elicitation or roots request is taken from the SDK client, which would answer a bare
        // -32601: it is relayed, or refused saying why and recorded (OutsideCalls).
        RelayTransport relayTransport =
                new RelayTransport(wire, this::progress, request -> clientRequest(self.get(), request), this::withdraw);
        self.set(relayTransport);
        McpClient.SyncSpec spec = McpClient.sync(relayTransport);
        if (relayClientRequests) {
            // The transport takes these requests before the SDK client sees them (clientRequest below); the
            // handlers only satisfy the SDK's rule that a declared capability has one.
            spec.capabilities(McpSchema.ClientCapabilities.builder()
                            .sampling()
                            .elicitation()
                            .roots(true) // the agent's roots/list_changed is passed on (rootsListChanged)
                            .build())
                    .sampling(r -> {
                        throw new IllegalStateException("sampling is relayed by the transport");
                    })
                    .elicitation(r -> {
                        throw new IllegalStateException("elicitation is relayed by the transport");
                    });
        } else {
            spec.capabilities(McpSchema.ClientCapabilities.builder().build());
        }
        McpSyncClient created = spec.requestTimeout(timeout)
                .initializationTimeout(timeout)
                .clientInfo(new McpSchema.Implementation("mandate-gateway", version))
                .toolsChangeConsumer(tools -> {
                    toolCache = null;
                    reportChanged(tools);
                    listChanged.accept("notifications/tools/list_changed");
                })
                .resourcesChangeConsumer(r -> listChanged.accept("notifications/resources/list_changed"))
                .promptsChangeConsumer(p -> listChanged.accept("notifications/prompts/list_changed"))
                .build();
        try {
            created.initialize();
        } catch (RuntimeException e) {
            closeQuietly(created);
            throw unavailable(e);
        }
        client = created;
        transport = relayTransport;
        return created;
    }

    private synchronized void reset(McpSyncClient failed) {
        if (failed.equals(client)) {
            client = null;
            transport = null;
            toolCache = null;
            closeQuietly(failed);
        }
    }

    private <T> T call(Function<McpSyncClient, T> request) {
        McpSyncClient c = client();
        try {
            return request.apply(c);
        } catch (McpError e) {
            throw new GatewayException(
                    GatewayError.BAD_REQUEST, "upstream '" + name() + "' answered: " + e.getMessage(), null, e);
        } catch (RuntimeException e) {
            reset(c);
            throw unavailable(e);
        }
    }

    private GatewayException unavailable(RuntimeException e) {
        LOG.warn("upstream '{}' is unavailable: {}", name(), McpError.aggregateExceptionMessages(e));
        return new GatewayException(
                GatewayError.UPSTREAM_UNAVAILABLE, "upstream '" + name() + "' is unavailable", null, e);
    }

    private JsonNode tree(@Nullable Object value) {
        try {
            return json.readTree(sdkJson().writeValueAsString(value));
        } catch (IOException e) {
            throw new GatewayException(
                    GatewayError.UPSTREAM_UNAVAILABLE,
                    "upstream '" + name() + "' sent what cannot be relayed",
                    null,
                    e);
        }
    }

    private Map<String, Object> map(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node.isObject()) {
            node.properties().forEach(e -> out.put(e.getKey(), json.convertValue(e.getValue(), Object.class)));
        }
        return out;
    }

    @Override
    public JsonNode capabilities() {
        return call(c -> tree(c.getServerCapabilities()));
    }

    @Override
    public List<JsonNode> tools() {
        List<JsonNode> tools = pages(
                McpSyncClient::listTools, McpSchema.ListToolsResult::tools, McpSchema.ListToolsResult::nextCursor);
        Map<String, JsonNode> cache = new LinkedHashMap<>();
        tools.forEach(t -> cache.put(t.path("name").asText(), t));
        toolCache = cache;
        toolsListed.accept(name(), tools);
        return tools;
    }

    /** The SDK re-lists after a {@code list_changed}: the schema is regenerated from the new list. */
    private void reportChanged(List<McpSchema.Tool> tools) {
        try {
            toolsListed.accept(name(), tools.stream().map(this::tree).toList());
        } catch (RuntimeException e) {
            LOG.warn("upstream '{}': its changed tool list could not be read: {}", name(), e.getMessage());
        }
    }

    @Override
    public @Nullable JsonNode tool(String name) {
        Map<String, JsonNode> cache = toolCache;
        if (cache == null || !cache.containsKey(name)) {
            tools();
            cache = toolCache;
        }
        return cache == null ? null : cache.get(name);
    }

    @Override
    public @Nullable JsonNode cachedTool(String name) {
        Map<String, JsonNode> cache = toolCache;
        return cache == null ? null : cache.get(name);
    }

    @Override
    public JsonNode callTool(String name, JsonNode arguments, CallObserver observer) {
        return observed(
                observer,
                token -> c -> tree(c.callTool(
                        new McpSchema.CallToolRequest(name, map(arguments), Map.of("progressToken", token)))));
    }

    /**
     * Runs a request under the gateway's own progress token: unique per upstream (agents' tokens could collide), it
     * routes progress back to the observer and lets the transport find the request's id to cancel it.
     */
    private JsonNode observed(CallObserver observer, Function<String, Function<McpSyncClient, JsonNode>> request) {
        String token = RelayTransport.TOKEN_PREFIX + tokens.incrementAndGet();
        observers.put(token, observer);
        RelayTransport sentOn = transport;
        observer.cancellable(() -> {
            RelayTransport t = transport;
            if (t != null) {
                t.cancel(token, "cancelled by the agent");
            }
        });
        try {
            return call(request.apply(token));
        } finally {
            observers.remove(token);
            RelayTransport t = transport;
            if (t != null) {
                t.forget(token);
            }
            if (sentOn != null && sentOn != t) {
                sentOn.forget(token);
            }
        }
    }

    /**
     * Takes a server-to-client request: with {@code relayClientRequests}, sampling, elicitation and roots go to the
     * observer of the oldest request in flight (every one of them is this mandate's), on a thread of their own, at
     * most {@link StreamableHttpUpstream#MAX_CLIENT_REQUESTS} at once; with none in flight, or without
     * {@code relayClientRequests}, to {@link OutsideCalls}. Other methods ({@code ping}) are left to the SDK client.
     */
    private boolean clientRequest(@Nullable RelayTransport transport, McpSchema.JSONRPCRequest request) {
        String method = request.method();
        if (transport == null || ClientRequests.capability(method) == null) {
            return false;
        }
        CallObserver inFlight = relayClientRequests ? oldestObserver() : null;
        CallObserver observer = inFlight != null ? inFlight : outside;
        if (clientRequestsInFlight.incrementAndGet() > StreamableHttpUpstream.MAX_CLIENT_REQUESTS) {
            clientRequestsInFlight.decrementAndGet();
            respond(
                    transport,
                    request.id(),
                    GatewayError.OVERLOADED,
                    StreamableHttpUpstream.MAX_CLIENT_REQUESTS + " requests to agents already await an answer");
            return true;
        }
        JsonNode params = json.valueToTree(request.params() == null ? Map.of() : request.params());
        java.util.concurrent.CompletableFuture<String> withdrawn = new java.util.concurrent.CompletableFuture<>();
        String key = key(request.id());
        relayed.put(key, withdrawn);
        Thread.ofVirtual().name("mandate-client-request-" + name()).start(() -> {
            com.fasterxml.jackson.databind.node.ObjectNode response;
            try {
                response = observer.clientRequest(method, params, timeout, withdrawn);
            } catch (RuntimeException e) {
                LOG.warn("relaying {} from '{}' failed", method, name(), e);
                response = ClientRequests.error(GatewayError.INTERNAL, "the gateway could not relay " + method);
            } finally {
                relayed.remove(key, withdrawn);
                clientRequestsInFlight.decrementAndGet();
            }
            if (!withdrawn.isDone()) {
                respond(transport, request.id(), response);
            }
        });
        return true;
    }

    /** The server cancelled a request to the client it had sent: a relayed one is withdrawn and left unanswered. */
    private void withdraw(Object requestId, String reason) {
        java.util.concurrent.CompletableFuture<String> pending = relayed.get(key(requestId));
        if (pending != null) {
            pending.complete(reason);
        }
    }

    /** A JSON-RPC id as a map key: a string id and a number id with the same text are different ids. */
    private static String key(Object id) {
        return (id instanceof String ? "s:" : "n:") + id;
    }

    /**
     * Passes the agent's {@code notifications/roots/list_changed} to the server if this connection relays client
     * requests (it is then one mandate's, and declared {@code roots.listChanged}) and is connected.
     */
    @Override
    public void rootsListChanged() {
        RelayTransport t = transport;
        if (relayClientRequests && t != null) {
            t.notify("notifications/roots/list_changed");
        }
    }

    private @Nullable CallObserver oldestObserver() {
        String oldest = null;
        long lowest = Long.MAX_VALUE;
        for (String token : observers.keySet()) {
            long n = Long.parseLong(token.substring(RelayTransport.TOKEN_PREFIX.length()));
            if (n < lowest) {
                lowest = n;
                oldest = token;
            }
        }
        return oldest == null ? null : observers.get(oldest);
    }

    /** Refuses a server-to-client request with a JSON-RPC error. */
    private void respond(RelayTransport transport, Object id, GatewayError error, String message) {
        respond(transport, id, ClientRequests.error(error, message));
    }

    private void respond(RelayTransport transport, Object id, com.fasterxml.jackson.databind.node.ObjectNode response) {
        JsonNode error = response.get("error");
        if (error != null) {
            JsonNode data = error.get("data");
            transport.respond(
                    id,
                    null,
                    new McpSchema.JSONRPCResponse.JSONRPCError(
                            error.path("code").asInt(GatewayError.INTERNAL.jsonRpcCode()),
                            error.path("message").asText(""),
                            data == null ? null : json.convertValue(data, Object.class)));
        } else {
            transport.respond(id, json.convertValue(response.path("result"), Object.class), null);
        }
    }

    private void progress(String token, Map<?, ?> params) {
        CallObserver observer = observers.get(token);
        if (observer != null && params.get("progress") instanceof Number progress) {
            observer.progress(
                    progress.doubleValue(),
                    params.get("total") instanceof Number total ? total.doubleValue() : null,
                    params.get("message") instanceof String message ? message : null);
        }
    }

    @Override
    public List<JsonNode> resources() {
        return pages(
                McpSyncClient::listResources,
                McpSchema.ListResourcesResult::resources,
                McpSchema.ListResourcesResult::nextCursor);
    }

    @Override
    public List<JsonNode> resourceTemplates() {
        return pages(
                McpSyncClient::listResourceTemplates,
                McpSchema.ListResourceTemplatesResult::resourceTemplates,
                McpSchema.ListResourceTemplatesResult::nextCursor);
    }

    @Override
    public JsonNode readResource(String uri) {
        return call(c -> tree(c.readResource(new McpSchema.ReadResourceRequest(uri))));
    }

    @Override
    public JsonNode readResource(String uri, CallObserver observer) {
        return observed(
                observer,
                token -> c ->
                        tree(c.readResource(new McpSchema.ReadResourceRequest(uri, Map.of("progressToken", token)))));
    }

    @Override
    public List<JsonNode> prompts() {
        return pages(
                McpSyncClient::listPrompts,
                McpSchema.ListPromptsResult::prompts,
                McpSchema.ListPromptsResult::nextCursor);
    }

    @Override
    public JsonNode getPrompt(String name, JsonNode arguments) {
        return call(c -> tree(c.getPrompt(new McpSchema.GetPromptRequest(name, map(arguments)))));
    }

    @Override
    public JsonNode getPrompt(String name, JsonNode arguments, CallObserver observer) {
        return observed(
                observer,
                token -> c -> tree(c.getPrompt(
                        new McpSchema.GetPromptRequest(name, map(arguments), Map.of("progressToken", token)))));
    }

    /**
     * Lists every page of one kind, at most {@link #MAX_PAGES}: {@code list} fetches the page after a cursor,
     * {@code items} and {@code next} read its entries and the next cursor.
     */
    private <R> List<JsonNode> pages(
            BiFunction<McpSyncClient, @Nullable String, R> list,
            Function<R, List<?>> items,
            Function<R, @Nullable String> next) {
        return call(c -> {
            List<JsonNode> all = new ArrayList<>();
            String cursor = null;
            for (int i = 0; i < MAX_PAGES; i++) {
                R page = list.apply(c, cursor);
                items.apply(page).forEach(item -> all.add(tree(item)));
                cursor = next.apply(page);
                if (cursor == null || cursor.isEmpty()) {
                    break;
                }
            }
            return all;
        });
    }

    @Override
    public synchronized void close() {
        McpSyncClient c = client;
        client = null;
        transport = null;
        if (c != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(McpSyncClient c) {
        try {
            c.closeGracefully();
        } catch (RuntimeException e) {
            LOG.debug("closing an upstream client failed: {}", e.toString());
        }
    }
}

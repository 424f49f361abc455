package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.UpstreamConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream reached over MCP Streamable HTTP by the gateway's own lean client: Jetty's HTTP client and the
 * gateway's Jackson mapper, no Reactor and no second JSON model, so a relayed call costs one POST, one parse of the
 * answer and no copy. Jetty's client rather than the JDK's because the JDK's hands every request and response between
 * its selector thread and its executor several times and keeps its idle connections in a list searched linearly,
 * which showed as the largest part of the gateway's own cost under load. It speaks what {@link SdkUpstream} spoke through the SDK: {@code initialize} and
 * {@code notifications/initialized}, the {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} headers, answers as
 * JSON or as an SSE stream, progress routed to the call's {@link CallObserver}, cancellation with
 * {@code notifications/cancelled}, {@code list_changed} from the GET stream or any response stream, pagination of lists,
 * and a new session when the server answers 404 to the old one. A server-to-client request on a call's own stream
 * (sampling, elicitation, roots) is relayed to that call's {@link CallObserver}, which asks the agent session that made
 * the call; one on the GET stream belongs to no call and is answered {@code -32601} (but {@code ping}). Errors are those of
 * {@link SdkUpstream}: a JSON-RPC error is {@code BAD_REQUEST} carrying the server's message, anything else
 * {@code UPSTREAM_UNAVAILABLE}.
 *
 * <p>The hot path ({@link #request}) and the SSE parser are in this one class on purpose: it is the whole wire
 * protocol of one connection, and reading it in one place is how its ordering guarantees (progress before the answer,
 * cancellation before or after sending) can be checked.
 */
final class StreamableHttpUpstream implements Upstream {
    /** The most pages of one list followed. */
    static final int MAX_PAGES = SdkUpstream.MAX_PAGES;

    /** The most requests to agents (sampling, elicitation, roots) one upstream may have awaiting an answer at once. */
    static final int MAX_CLIENT_REQUESTS = 64;

    /** The largest message (a JSON body or one SSE event) accepted from an upstream. */
    static final int MAX_MESSAGE_BYTES = 16 << 20;

    /** The longest wait for the server to confirm the end of the session when the upstream closes. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    /**
     * The most connections to one upstream at once (concurrent calls, and one GET stream per session): past it, requests
     * wait in a queue. Above {@link MandateUpstreams#MAX_HTTP_CONNECTIONS} sessions with their streams.
     */
    static final int MAX_CONNECTIONS = 3 * MandateUpstreams.MAX_HTTP_CONNECTIONS;

    /** The most requests waiting for a connection to one upstream; past it a request fails at once. */
    static final int MAX_QUEUED_REQUESTS = 65_536;

    /** The protocol revision the gateway asks for. */
    static final String PROTOCOL_VERSION = "2025-06-18";

    /** The revisions the gateway accepts from a server, newest first. */
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    /** The JSON-RPC code of the error that ends a cancelled call's wait (as in LSP's RequestCancelled). */
    static final int CANCELLED = RelayTransport.CANCELLED;

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpUpstream.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String VERSION_HEADER = "MCP-Protocol-Version";

    private final UpstreamConfig.Http config;
    private final HttpClient http;
    private final boolean ownsClient;
    private final Duration timeout;
    private final String version;
    private final ObjectMapper json;
    private final Consumer<String> listChanged;
    private final BiConsumer<String, List<JsonNode>> toolsListed;
    private final @Nullable String credentialName;
    private final @Nullable Supplier<String> credentialValue;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final Map<String, CallObserver> observers = new ConcurrentHashMap<>();
    /** Where requests to the client that belong to no call go (those on the GET stream). */
    private final OutsideCalls outside;
    /** The server's requests to the client being relayed, by their id (JSON text): a cancellation withdraws one. */
    private final Map<String, CompletableFuture<String>> relayed = new ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicInteger clientRequestsInFlight =
            new java.util.concurrent.atomic.AtomicInteger();
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile @Nullable Connection connection;
    private volatile @Nullable Map<String, JsonNode> toolCache;
    private volatile boolean closed;

    /** One initialized session with the server. */
    private static final class Connection {
        private final @Nullable String sessionId;
        private final String protocolVersion;
        private final JsonNode capabilities;
        private final AtomicBoolean listening = new AtomicBoolean();
        private volatile boolean listenUnsupported;
        private volatile @Nullable Incoming listener;

        Connection(@Nullable String sessionId, String protocolVersion, JsonNode capabilities) {
            this.sessionId = sessionId;
            this.protocolVersion = protocolVersion;
            this.capabilities = capabilities;
        }
    }

    /**
     * An upstream with its own HTTP client, closed with it.
     *
     * @param config the upstream
     * @param timeout how long one request may take, and how long connecting may take
     */
    StreamableHttpUpstream(
            UpstreamConfig.Http config,
            Duration timeout,
            String version,
            ObjectMapper json,
            Consumer<String> listChanged,
            BiConsumer<String, List<JsonNode>> toolsListed) {
        this(
                config,
                newClient(timeout),
                true,
                timeout,
                version,
                json,
                listChanged,
                toolsListed,
                null,
                null,
                OutsideCalls.UNRECORDED);
    }

    /**
     * An upstream connection on a shared HTTP client (one mandate's connection): every request carries the credential
     * header, its value read on every request so that a renewed or replaced lease takes effect at once. Requests to
     * the client outside any call go to {@code outside}.
     */
    StreamableHttpUpstream(
            UpstreamConfig.Http config,
            HttpClient http,
            boolean ownsClient,
            Duration timeout,
            String version,
            ObjectMapper json,
            Consumer<String> listChanged,
            BiConsumer<String, List<JsonNode>> toolsListed,
            @Nullable String credentialName,
            @Nullable Supplier<String> credentialValue,
            OutsideCalls outside) {
        this.outside = outside;
        this.config = config;
        this.http = http;
        this.ownsClient = ownsClient;
        this.timeout = timeout;
        this.version = version;
        this.json = json;
        this.listChanged = listChanged;
        this.toolsListed = toolsListed;
        this.credentialName = credentialName;
        this.credentialValue = credentialValue;
    }

    /**
     * A started HTTP/1.1 client (stopped with {@link #stop}); its threads are daemons, so a gateway that is not closed
     * does not keep the JVM alive.
     *
     * @param timeout how long connecting may take; connections idle for twice as long are closed
     */
    static HttpClient newClient(Duration timeout) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("mandate-upstream");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("mandate-upstream-timer", true));
        client.setConnectTimeout(timeout.toMillis());
        // Longer than one request may take, so that the idle timeout never ends a request before its own timeout does.
        client.setIdleTimeout(timeout.multipliedBy(2).toMillis());
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        client.setMaxRequestsQueuedPerDestination(MAX_QUEUED_REQUESTS);
        client.setUserAgentField(null);
        // As the JDK client was: no cookies kept between requests, no compressed answers asked for (and none decoded).
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the upstream HTTP client did not start: " + e, e);
        }
        client.getContentDecoderFactories().clear();
        return client;
    }

    /** Stops a client from {@link #newClient}: open connections are closed. */
    static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            LOG.debug("the upstream HTTP client did not stop cleanly: {}", e.toString());
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    // ---------------------------------------------------------------- the Upstream operations

    @Override
    public JsonNode capabilities() {
        return connected().capabilities;
    }

    @Override
    public List<JsonNode> tools() {
        List<JsonNode> tools = pages("tools/list", "tools");
        Map<String, JsonNode> cache = new LinkedHashMap<>();
        tools.forEach(t -> cache.put(t.path("name").asText(), t));
        toolCache = cache;
        toolsListed.accept(name(), tools);
        return tools;
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
        ObjectNode params = json.createObjectNode();
        params.put("name", name);
        params.set("arguments", arguments);
        return observed("tools/call", params, observer);
    }

    @Override
    public List<JsonNode> resources() {
        return pages("resources/list", "resources");
    }

    @Override
    public List<JsonNode> resourceTemplates() {
        return pages("resources/templates/list", "resourceTemplates");
    }

    @Override
    public JsonNode readResource(String uri) {
        return readResource(uri, CallObserver.NONE);
    }

    @Override
    public JsonNode readResource(String uri, CallObserver observer) {
        return observed("resources/read", json.createObjectNode().put("uri", uri), observer);
    }

    /** A request with the gateway's own progress token, its progress and client requests routed to the observer. */
    private JsonNode observed(String method, ObjectNode params, CallObserver observer) {
        // The gateway's own progress token: unique per upstream (agents' tokens could collide); it routes progress
        // back to this request.
        String token = RelayTransport.TOKEN_PREFIX + tokens.incrementAndGet();
        params.putObject("_meta").put("progressToken", token);
        observers.put(token, observer);
        try {
            return request(method, params, observer);
        } finally {
            observers.remove(token);
        }
    }

    @Override
    public List<JsonNode> prompts() {
        return pages("prompts/list", "prompts");
    }

    @Override
    public JsonNode getPrompt(String name, JsonNode arguments) {
        return getPrompt(name, arguments, CallObserver.NONE);
    }

    @Override
    public JsonNode getPrompt(String name, JsonNode arguments, CallObserver observer) {
        ObjectNode params = json.createObjectNode().put("name", name);
        params.set("arguments", arguments.isObject() ? arguments : json.createObjectNode());
        return observed("prompts/get", params, observer);
    }

    private List<JsonNode> pages(String method, String field) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < MAX_PAGES; i++) {
            ObjectNode params = json.createObjectNode();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            JsonNode page = request(method, params, null);
            JsonNode items = page.path(field);
            if (!items.isArray()) {
                throw unrelayable(method + " answered without a '" + field + "' array");
            }
            items.forEach(all::add);
            JsonNode next = page.get("nextCursor");
            cursor = next == null || !next.isTextual() || next.asText().isEmpty() ? null : next.asText();
            if (cursor == null) {
                break;
            }
        }
        return all;
    }

    /**
     * Tells the server that the agent's roots changed, if this connection is one mandate's and is connected (a server
     * not yet connected asks for the roots when it needs them).
     */
    @Override
    public void rootsListChanged() {
        Connection c = connection;
        if (c == null || !outside.oneMandate()) {
            return;
        }
        ObjectNode n = json.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/roots/list_changed");
        var unused = deliver(c, n).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("notifications/roots/list_changed could not be sent to '{}': {}", name(), e.toString());
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> ended = CompletableFuture.completedFuture(null);
        connecting.lock();
        try {
            Connection c = connection;
            connection = null;
            if (c != null) {
                ended = end(c);
            }
        } finally {
            connecting.unlock();
        }
        // The DELETE is waited for (briefly) before the client stops, so the server does not keep the session.
        try {
            ended.get(Math.min(timeout.toMillis(), CLOSE_WAIT_MILLIS), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("upstream '{}' did not confirm the end of its session: {}", name(), e.toString());
        }
        if (ownsClient) {
            stop(http);
        }
    }

    // ---------------------------------------------------------------- requests

    /**
     * Sends one request and waits for its answer: the result object, or a {@link GatewayException}. A 404 to an
     * established session means the server forgot it: the request is sent once more in a new session (the server did
     * not process it).
     */
    private JsonNode request(String method, ObjectNode params, @Nullable CallObserver observer) {
        for (int attempt = 0; ; attempt++) {
            Connection c = connected();
            try {
                return resultOf(exchange(c, method, params, observer));
            } catch (SessionGone e) {
                reset(c);
                if (attempt > 0) {
                    throw unavailable(e);
                }
                LOG.debug("upstream '{}' forgot session {}; initializing a new one", name(), c.sessionId);
            }
        }
    }

    private JsonNode resultOf(JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            String message = error.path("message").asText("");
            throw new GatewayException(GatewayError.BAD_REQUEST, "upstream '" + name() + "' answered: " + message);
        }
        JsonNode result = response.get("result");
        if (result == null || !result.isObject()) {
            throw unrelayable("a response without a result object");
        }
        return result;
    }

    /** One request/response exchange in the connection's session; throws {@link SessionGone} on a 404. */
    private JsonNode exchange(Connection c, String method, ObjectNode params, @Nullable CallObserver observer) {
        listen(c);
        long id = ids.incrementAndGet();
        ObjectNode message = json.createObjectNode();
        message.put("jsonrpc", "2.0").put("id", id).put("method", method);
        message.set("params", params);
        Call call = new Call(id, c, observer == null ? CallObserver.NONE : observer);
        if (observer != null) {
            observer.cancellable(() -> call.cancel("cancelled by the agent"));
        }
        Request request;
        try {
            request = post(c, json.writeValueAsBytes(message));
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a header value that cannot be sent (a credential with a line break).
            throw unavailable(e);
        }
        if (!call.send(request)) {
            throw cancelled();
        }
        try {
            return call.answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel("the gateway stopped waiting after " + timeout);
            throw unavailable(new IOException("no answer to " + method + " within " + timeout, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel("the gateway stopped waiting");
            throw unavailable(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SessionGone gone) {
                throw gone;
            }
            if (cause instanceof Cancelled) {
                throw cancelled();
            }
            if (cause instanceof GatewayException g) {
                throw g;
            }
            reset(c);
            throw unavailable(cause);
        }
    }

    private GatewayException cancelled() {
        return new GatewayException(
                GatewayError.BAD_REQUEST, "upstream '" + name() + "' answered: the request was cancelled");
    }

    /**
     * A request with the session's headers and the credential.
     *
     * @throws IllegalArgumentException if the credential's value has a character a header cannot carry
     */
    private Request base(@Nullable Connection c, HttpMethod method) {
        String header = credentialName;
        Supplier<String> value = credentialValue;
        String credential = header != null && value != null ? headerValue(header, value.get()) : null;
        return http.newRequest(config.url()).method(method).headers(h -> {
            if (c != null) {
                if (c.sessionId != null) {
                    h.put(SESSION_HEADER, c.sessionId);
                }
                h.put(VERSION_HEADER, c.protocolVersion);
            }
            if (header != null && credential != null) {
                h.put(header, credential);
            }
        });
    }

    /**
     * The value, if a header can carry it: visible characters, spaces and tabs (RFC 9110 field-value), no line breaks
     * or other controls. The value is not named in the error: it is a credential.
     */
    static String headerValue(String header, String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f || ch > 0xff) {
                throw new IllegalArgumentException("the value of header '" + header + "' has character U+"
                        + String.format(Locale.ROOT, "%04X", (int) ch) + " at index " + i
                        + "; a header value may hold only visible characters, spaces and tabs (RFC 9110)");
            }
        }
        return value;
    }

    /** A POST of a JSON-RPC message, answered as JSON or SSE; a timeout, if given, bounds the whole exchange. */
    private Request post(@Nullable Connection c, byte[] body) {
        return base(c, HttpMethod.POST)
                .headers(h -> h.put(HttpHeader.ACCEPT, "application/json, text/event-stream"))
                .body(new BytesRequestContent("application/json", body));
    }

    /** Sends a notification or a response; the server answers 202. */
    private CompletableFuture<@Nullable Void> deliver(@Nullable Connection c, JsonNode message) {
        try {
            return send(
                    post(c, json.writeValueAsBytes(message)).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    r -> null);
        } catch (IOException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** How a response is read: its status and headers give the reader of its body, or null to discard the body. */
    @FunctionalInterface
    private interface BodyReader {
        @Nullable
        Incoming open(Response response);
    }

    /**
     * Sends a request; the future ends when the exchange does (the body read to its end, or a failure). The body is
     * read on the client's thread as it arrives, so messages reach their consumers in order.
     */
    private CompletableFuture<@Nullable Void> send(Request request, BodyReader reader) {
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<@Nullable Incoming> body =
                new java.util.concurrent.atomic.AtomicReference<>();
        request.onResponseHeaders(response -> body.set(reader.open(response)))
                .onResponseContent((response, content) -> {
                    Incoming in = body.get();
                    if (in != null) {
                        try {
                            in.feed(content);
                        } catch (IOException | RuntimeException e) {
                            var unused = response.abort(e);
                        }
                    } else {
                        content.position(content.limit());
                    }
                })
                .send(result -> {
                    if (result.isFailed()) {
                        Throwable failure = result.getFailure();
                        done.completeExceptionally(failure == null ? new IOException("the exchange failed") : failure);
                        return;
                    }
                    Incoming in = body.get();
                    try {
                        if (in != null) {
                            in.finish();
                        }
                        done.complete(null);
                    } catch (IOException | RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                });
        return done;
    }

    /** One request in flight: its answer, the stream it arrives on, and its cancellation. */
    private final class Call {
        private final long id;
        private final Connection connection;
        private final CallObserver observer;
        private final CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        private boolean sent;
        private @Nullable Request request;
        private @Nullable Incoming stream;

        Call(long id, Connection connection, CallObserver observer) {
            this.id = id;
            this.connection = connection;
            this.observer = observer;
        }

        /** Sends the request unless the call was cancelled first; false if it was. */
        synchronized boolean send(Request request) {
            if (answer.isDone()) {
                return false;
            }
            sent = true;
            this.request = request;
            var unused = StreamableHttpUpstream.this.send(request, this::reader).whenComplete((response, failure) -> {
                if (failure != null) {
                    answer.completeExceptionally(failure);
                } else if (!answer.isDone()) {
                    answer.completeExceptionally(
                            new IOException("the upstream ended its response without answering request " + id));
                }
            });
            return true;
        }

        private @Nullable Incoming reader(Response response) {
            int status = response.getStatus();
            if (status == 404 && connection.sessionId != null) {
                answer.completeExceptionally(new SessionGone(connection.sessionId));
                return null;
            }
            if (status / 100 != 2) {
                answer.completeExceptionally(new IOException("the upstream answered HTTP " + status));
                return null;
            }
            Incoming in = incoming(response, this::message);
            if (in == null) {
                String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
                answer.completeExceptionally(new IOException(
                        "the upstream answered HTTP " + status + " with " + (type == null ? "no content type" : type)));
                return null;
            }
            synchronized (this) {
                stream = in;
            }
            return in;
        }

        private void message(JsonNode message) {
            JsonNode messageId = message.get("id");
            if (messageId != null
                    && !message.has("method")
                    && messageId.canConvertToLong()
                    && messageId.asLong() == id) {
                answer.complete(message);
            } else if (messageId != null && message.path("method").isTextual()) {
                // A request to the client on this call's own stream is part of this call (Streamable HTTP sends
                // related requests there): it goes to the agent session that made the call.
                clientRequest(connection, messageId, message.path("method").asText(), message.path("params"), observer);
            } else {
                handle(connection, message);
            }
        }

        /** Ends the wait with a cancellation; the server is told if the request was sent. */
        void cancel(String reason) {
            Incoming in;
            Request sending;
            synchronized (this) {
                if (!answer.completeExceptionally(new Cancelled())) {
                    return;
                }
                if (!sent) {
                    return; // never leaves the gateway
                }
                in = stream;
                sending = request;
            }
            ObjectNode n = json.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
            n.putObject("params").put("requestId", id).put("reason", reason);
            var unused = deliver(connection, n).whenComplete((r, e) -> {
                if (e != null) {
                    LOG.debug("notifications/cancelled could not be sent to '{}': {}", name(), e.toString());
                }
            });
            if (in != null) {
                in.cancel();
            } else if (sending != null) {
                // No answer has begun: the exchange itself is ended, so it holds no connection.
                var unusedAbort = sending.abort(new Cancelled());
            }
        }
    }

    /** The server answered 404 to a session it had given: it has forgotten it. */
    private static final class SessionGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SessionGone(String sessionId) {
            super("the upstream no longer knows session " + sessionId, null, false, false);
        }
    }

    /** The call was cancelled by the agent. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    // ---------------------------------------------------------------- the session

    private Connection connected() {
        Connection c = connection;
        if (c != null) {
            return c;
        }
        connecting.lock();
        try {
            c = connection;
            if (c != null) {
                return c;
            }
            if (closed) {
                throw unavailable(new IOException("the upstream connection is closed"));
            }
            c = initialize();
            connection = c;
            return c;
        } finally {
            connecting.unlock();
        }
    }

    private Connection initialize() {
        ObjectNode message = json.createObjectNode();
        message.put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", "initialize");
        ObjectNode params = message.putObject("params");
        params.put("protocolVersion", PROTOCOL_VERSION);
        // Requests to the client that arrive on a call's own stream are relayed to the agent session of that call
        // (ClientRequests decides whether that agent is asked); the capabilities say the gateway can take them.
        ObjectNode declared = params.putObject("capabilities");
        declared.putObject("sampling");
        declared.putObject("elicitation");
        ObjectNode roots = declared.putObject("roots");
        if (outside.oneMandate()) {
            // Only a mandate's own connection hears of its agent's roots changing (Upstream#rootsListChanged).
            roots.put("listChanged", true);
        }
        params.putObject("clientInfo").put("name", "mandate-gateway").put("version", version);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<@Nullable String> sessionId =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            // The wait is for the answer, not for the end of the body: a server may keep an SSE stream open.
            Request request = post(null, json.writeValueAsBytes(message));
            var unused = send(request, response -> {
                        sessionId.set(response.getHeaders().get(SESSION_HEADER));
                        if (response.getStatus() / 100 != 2) {
                            answer.completeExceptionally(
                                    new IOException("initialize was answered HTTP " + response.getStatus()));
                            return null;
                        }
                        return incoming(response, m -> {
                            if (m.has("id") && !m.has("method")) {
                                answer.complete(m);
                            }
                        });
                    })
                    .whenComplete((r, e) -> answer.completeExceptionally(
                            e != null ? e : new IOException("initialize was answered without a result")));
            JsonNode response;
            try {
                response = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                var unusedAbort = request.abort(e);
                throw new IOException("no answer to initialize within " + timeout, e);
            }
            JsonNode result = resultOf(response);
            String agreed = result.path("protocolVersion").asText("");
            if (!PROTOCOL_VERSIONS.contains(agreed)) {
                throw unavailable(new IOException(
                        "the server answered protocol version '" + agreed + "'; supported: " + PROTOCOL_VERSIONS));
            }
            JsonNode capabilities = result.path("capabilities");
            Connection c = new Connection(
                    sessionId.get(), agreed, capabilities.isObject() ? capabilities : json.createObjectNode());
            ObjectNode initialized =
                    json.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized");
            int status;
            try {
                status = accepted(c, initialized).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IOException("no answer to notifications/initialized within " + timeout, e);
            }
            if (status / 100 != 2) {
                throw unavailable(new IOException("notifications/initialized was answered HTTP " + status));
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause() == null ? e : e.getCause());
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable(e);
        }
    }

    /** Sends a notification; the status of the answer, known as soon as its headers are (the body is not awaited). */
    private CompletableFuture<Integer> accepted(Connection c, JsonNode message) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        try {
            Request request =
                    post(c, json.writeValueAsBytes(message)).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            var unused = send(request, response -> {
                        status.complete(response.getStatus());
                        return null;
                    })
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            status.completeExceptionally(e);
                        }
                    });
        } catch (IOException | IllegalArgumentException e) {
            status.completeExceptionally(e);
        }
        return status;
    }

    /** Forgets a failed session (if it is still the current one); the next request initializes a new one. */
    private void reset(Connection failed) {
        connecting.lock();
        try {
            if (connection == failed) {
                connection = null;
                toolCache = null;
                var unused = end(failed);
            }
        } finally {
            connecting.unlock();
        }
    }

    /** Stops listening and tells the server the session is over. */
    private CompletableFuture<?> end(Connection c) {
        Incoming listener = c.listener;
        if (listener != null) {
            listener.cancel();
        }
        if (c.sessionId == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return send(base(c, HttpMethod.DELETE).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS), r -> null);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Opens the session's GET stream for the server's own messages ({@code list_changed}) unless it is open or the
     * server has none (405). A stream that ends is opened again before the next request.
     */
    private void listen(Connection c) {
        if (c.listenUnsupported || closed || !c.listening.compareAndSet(false, true)) {
            return;
        }
        Request request;
        try {
            // The stream is quiet until the server has something to say: no idle timeout ends it.
            request = base(c, HttpMethod.GET)
                    .headers(h -> h.put(HttpHeader.ACCEPT, "text/event-stream"))
                    .idleTimeout(0, TimeUnit.MILLISECONDS);
        } catch (IllegalArgumentException e) {
            c.listening.set(false);
            LOG.debug("the GET stream of '{}' was not opened: {}", name(), e.getMessage());
            return;
        }
        var unused = send(request, response -> {
                    if (response.getStatus() / 100 != 2) {
                        if (response.getStatus() == 405) {
                            c.listenUnsupported = true;
                        }
                        return null;
                    }
                    Incoming in = incoming(response, m -> handle(c, m));
                    c.listener = in;
                    return in;
                })
                .whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.debug("the GET stream of '{}' ended: {}", name(), e.toString());
                    }
                    c.listener = null;
                    c.listening.set(false);
                });
    }

    /** The current session's id, for tests; null before the first request or after a failure. */
    @Nullable
    String sessionId() {
        Connection c = connection;
        return c == null ? null : c.sessionId;
    }

    // ---------------------------------------------------------------- what the server sends on its own

    /** A notification, or a request to the client, from any of the session's streams. */
    private void handle(Connection c, JsonNode message) {
        String method = message.path("method").asText("");
        JsonNode id = message.get("id");
        JsonNode params = message.path("params");
        if (id != null && !method.isEmpty()) {
            if (ClientRequests.capability(method) != null) {
                clientRequest(c, id, method, params, outside); // outside any call: see OutsideCalls
            } else {
                answerServerRequest(c, id, method);
            }
            return;
        }
        switch (method) {
            case "notifications/progress" -> progress(params);
            case "notifications/cancelled" -> withdraw(params);
            case "notifications/tools/list_changed" -> toolsChanged(method);
            case "notifications/resources/list_changed", "notifications/prompts/list_changed" ->
                listChanged.accept(method);
            default -> LOG.trace("upstream '{}' sent {}", name(), method.isEmpty() ? "a stray response" : method);
        }
    }

    private void progress(JsonNode params) {
        JsonNode token = params.path("progressToken");
        JsonNode progress = params.path("progress");
        if (!token.isTextual() || !progress.isNumber()) {
            return;
        }
        CallObserver observer = observers.get(token.asText());
        if (observer == null) {
            return;
        }
        JsonNode total = params.path("total");
        JsonNode message = params.path("message");
        try {
            observer.progress(
                    progress.asDouble(),
                    total.isNumber() ? total.asDouble() : null,
                    message.isTextual() ? message.asText() : null);
        } catch (RuntimeException e) {
            LOG.debug("relaying progress failed: {}", e.toString());
        }
    }

    /** As the SDK client did: the tools are listed again, then the agents are told. */
    private void toolsChanged(String method) {
        toolCache = null;
        Thread.ofVirtual().name("mandate-relist-" + name()).start(() -> {
            try {
                tools();
            } catch (RuntimeException e) {
                LOG.warn("upstream '{}': its changed tool list could not be read: {}", name(), e.getMessage());
            }
            listChanged.accept(method);
        });
    }

    /**
     * The server cancelled a request to the client it had sent: if it is being relayed, the agent is told under its own
     * id and the server gets no answer (as the specification asks of a receiver of a cancellation).
     */
    private void withdraw(JsonNode params) {
        JsonNode requestId = params.path("requestId");
        CompletableFuture<String> pending = requestId.isMissingNode() ? null : relayed.get(requestId.toString());
        if (pending != null) {
            pending.complete(params.path("reason").asText(""));
        }
    }

    /**
     * A request to the client that is not relayed: {@code ping} is answered; anything else (a method the gateway does
     * not relay) is refused {@code -32601}.
     */
    private void answerServerRequest(Connection c, JsonNode id, String method) {
        ObjectNode response = json.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        if (method.equals("ping")) {
            response.putObject("result");
        } else {
            response.putObject("error")
                    .put("code", -32601)
                    .put(
                            "message",
                            "Method not found: " + ClientRequests.truncate(method) + " (the gateway relays only"
                                    + " sampling/createMessage, elicitation/create and roots/list to agents)");
        }
        respond(c, method, response);
    }

    /**
     * Relays a request to the client made as part of a call to the call's observer, on a thread of its own so that the
     * call's stream (progress, the answer) keeps flowing while the agent thinks; at most
     * {@link #MAX_CLIENT_REQUESTS} at once per upstream, past which the server is told {@code -32008}.
     */
    private void clientRequest(Connection c, JsonNode id, String method, JsonNode params, CallObserver observer) {
        if (method.equals("ping")) {
            answerServerRequest(c, id, method);
            return;
        }
        if (clientRequestsInFlight.incrementAndGet() > MAX_CLIENT_REQUESTS) {
            clientRequestsInFlight.decrementAndGet();
            ObjectNode refused = ClientRequests.error(
                    dev.mandate.gateway.GatewayError.OVERLOADED,
                    MAX_CLIENT_REQUESTS + " requests to agents are already awaiting an answer"
                            + " (StreamableHttpUpstream.MAX_CLIENT_REQUESTS)");
            respond(c, method, withId(id, refused));
            return;
        }
        CompletableFuture<String> withdrawn = new CompletableFuture<>();
        String key = id.toString();
        relayed.put(key, withdrawn);
        Thread.ofVirtual().name("mandate-client-request-" + name()).start(() -> {
            ObjectNode response;
            try {
                response = observer.clientRequest(method, params, timeout, withdrawn);
            } catch (RuntimeException e) {
                LOG.warn("relaying {} from '{}' failed", method, name(), e);
                response = ClientRequests.error(
                        dev.mandate.gateway.GatewayError.INTERNAL, "the gateway could not relay " + method);
            } finally {
                relayed.remove(key, withdrawn);
                clientRequestsInFlight.decrementAndGet();
            }
            if (!withdrawn.isDone()) {
                respond(c, method, withId(id, response));
            }
        });
    }

    private ObjectNode withId(JsonNode id, ObjectNode response) {
        ObjectNode out = json.createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id);
        out.setAll(response);
        return out;
    }

    private void respond(Connection c, String method, ObjectNode response) {
        var unused = deliver(c, response).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("the answer to {} could not be sent to '{}': {}", method, name(), e.toString());
            }
        });
    }

    // ---------------------------------------------------------------- reading responses

    /** A subscriber for a response body of JSON or SSE, or null if the body is neither. */
    private @Nullable Incoming incoming(Response response, Consumer<JsonNode> messages) {
        String header = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String type = header == null ? "" : header.toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            return new Incoming(true, messages, response);
        }
        if (type.startsWith("application/json")) {
            return new Incoming(false, messages, response);
        }
        return null;
    }

    /**
     * A response body read as it arrives: a JSON body is one message (or a batch); an SSE body is a sequence of events
     * whose {@code data} is a message each. Messages are handed over in arrival order on the reading thread, so a
     * call's progress is relayed before its answer completes the wait. A message larger than
     * {@link #MAX_MESSAGE_BYTES} ends the stream.
     */
    private final class Incoming {
        private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);

        private final boolean sse;
        private final Consumer<JsonNode> messages;
        private final Response response;
        private byte[] line = new byte[256];
        private int lineLength;
        private boolean afterCr;
        private byte[] data = new byte[256];
        private int dataLength;
        private boolean hasData;
        private boolean otherEvent;

        Incoming(boolean sse, Consumer<JsonNode> messages, Response response) {
            this.sse = sse;
            this.messages = messages;
            this.response = response;
        }

        /** Stops reading: the exchange is aborted and its connection closed. */
        void cancel() {
            var unused = response.abort(new IOException("the gateway stopped reading"));
        }

        /** Reads the next bytes of the body; the buffer is consumed. */
        void feed(ByteBuffer b) throws IOException {
            if (sse) {
                while (b.hasRemaining()) {
                    sseByte(b.get());
                }
            } else {
                int n = b.remaining();
                data = grow(data, dataLength, n);
                b.get(data, dataLength, n);
                dataLength += n;
            }
        }

        /** The body ended: a JSON body is handed over, an SSE body's last line ends. */
        void finish() throws IOException {
            if (sse) {
                if (lineLength > 0) {
                    sseLine();
                }
            } else if (dataLength > 0) {
                dispatch(data, dataLength);
            }
        }

        private byte[] grow(byte[] buffer, int used, int more) throws IOException {
            if (used + more > MAX_MESSAGE_BYTES) {
                throw new IOException("upstream '" + name() + "' sent a message over " + MAX_MESSAGE_BYTES
                        + " bytes; the limit is" + " StreamableHttpUpstream.MAX_MESSAGE_BYTES");
            }
            if (used + more <= buffer.length) {
                return buffer;
            }
            return Arrays.copyOf(buffer, Math.min(MAX_MESSAGE_BYTES, Math.max(buffer.length * 2, used + more)));
        }

        private void sseByte(byte b) throws IOException {
            if (b == '\n' && afterCr) {
                afterCr = false;
                return;
            }
            afterCr = b == '\r';
            if (b == '\n' || b == '\r') {
                sseLine();
                lineLength = 0;
                return;
            }
            line = grow(line, lineLength, 1);
            line[lineLength++] = b;
        }

        private void sseLine() throws IOException {
            if (lineLength == 0) {
                if (hasData && !otherEvent) {
                    dispatch(data, dataLength);
                }
                dataLength = 0;
                hasData = false;
                otherEvent = false;
                return;
            }
            if (startsWith(DATA)) {
                int from = DATA.length < lineLength && line[DATA.length] == ' ' ? DATA.length + 1 : DATA.length;
                int n = lineLength - from;
                data = grow(data, dataLength, n + 1);
                if (hasData) {
                    data[dataLength++] = '\n';
                }
                System.arraycopy(line, from, data, dataLength, n);
                dataLength += n;
                hasData = true;
            } else if (startsWith(EVENT)) {
                String type = new String(line, EVENT.length, lineLength - EVENT.length, StandardCharsets.UTF_8).strip();
                otherEvent = !type.isEmpty() && !type.equals("message");
            }
            // id:, retry: and comments need nothing: the gateway does not resume streams.
        }

        private boolean startsWith(byte[] prefix) {
            if (lineLength < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (line[i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private void dispatch(byte[] bytes, int length) throws IOException {
            JsonNode message = json.readTree(bytes, 0, length);
            if (message == null) {
                return;
            }
            if (message.isArray()) {
                for (JsonNode m : message) {
                    if (m.isObject()) {
                        messages.accept(m);
                    }
                }
            } else if (message.isObject()) {
                messages.accept(message);
            }
        }
    }

    // ---------------------------------------------------------------- errors

    private GatewayException unavailable(Throwable e) {
        LOG.warn("upstream '{}' is unavailable: {}", name(), e.toString());
        return new GatewayException(
                GatewayError.UPSTREAM_UNAVAILABLE, "upstream '" + name() + "' is unavailable", null, e);
    }

    private GatewayException unrelayable(String what) {
        return new GatewayException(
                GatewayError.UPSTREAM_UNAVAILABLE,
                "upstream '" + name() + "' sent what cannot be relayed: " + what,
                null,
                null);
    }
}

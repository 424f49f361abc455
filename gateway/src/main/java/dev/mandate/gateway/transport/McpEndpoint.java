package dev.mandate.gateway.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.gateway.AuthenticationRequest;
import dev.mandate.gateway.CallAuthenticator;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.Decision;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.GatewaySettings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP Streamable HTTP at {@code /mcp}. Every request is checked in the same order — origin, size, JSON-RPC shape,
 * credentials, session, protocol version — and every failure is answered with a JSON-RPC error and the matching HTTP
 * status, never a 5xx for a client's mistake. This class is long because it is one protocol state machine; the
 * decisions live in the {@link McpHandler}.
 */
public final class McpEndpoint implements AutoCloseable, AgentStreams {
    /** The path agents connect to. */
    public static final String PATH = "/mcp";

    /** RFC 9728 metadata, at the root and with the resource path appended. */
    public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    /** Writes as {@code JsonNode.toString()} does (a default mapper), so the answer bytes stay what they were. */
    private static final ObjectWriter WRITER = new ObjectMapper().writer();

    private static final String VERSION_HEADER = "MCP-Protocol-Version";
    private static final String DEFAULT_VERSION = "2025-03-26";
    private static final String BATCH_VERSION = "2025-03-26";

    /** The most messages in one JSON-RPC batch. */
    static final int MAX_BATCH = 100;

    private static final long KEEP_ALIVE_SECONDS = 15;
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final GatewaySettings settings;
    private final CallAuthenticator authenticator;
    private final McpHandler handler;
    private final ObjectMapper json;
    private final SessionTable sessions;
    private final boolean certificateBoundTokens;

    /**
     * Creates the endpoint, for a node without a TLS listener.
     *
     * @param settings limits and allowed origins
     * @param authenticator authenticates every request
     * @param handler answers requests
     * @param json the JSON mapper
     * @param clock drives session expiry
     */
    public McpEndpoint(
            GatewaySettings settings,
            CallAuthenticator authenticator,
            McpHandler handler,
            ObjectMapper json,
            InstantSource clock) {
        this(settings, authenticator, handler, json, clock, false);
    }

    /**
     * Creates the endpoint.
     *
     * @param settings limits and allowed origins
     * @param authenticator authenticates every request
     * @param handler answers requests
     * @param json the JSON mapper
     * @param clock drives session expiry
     * @param certificateBoundTokens whether the node listens for mutual TLS, where certificate-bound tokens (RFC 8705
     *     {@code cnf.x5t#S256}) are accepted with their certificate; the metadata then says so
     */
    public McpEndpoint(
            GatewaySettings settings,
            CallAuthenticator authenticator,
            McpHandler handler,
            ObjectMapper json,
            InstantSource clock,
            boolean certificateBoundTokens) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.handler = handler;
        this.json = json;
        this.sessions = new SessionTable(clock, settings.maxSessions(), settings.sessionIdleTimeout());
        this.certificateBoundTokens = certificateBoundTokens;
    }

    /**
     * Adds the {@code /mcp} and metadata routes.
     *
     * @param routes the server's route table
     */
    public void register(RoutesConfig routes) {
        routes.post(PATH, this::post);
        routes.get(PATH, this::get);
        routes.delete(PATH, this::delete);
        routes.get(METADATA_PATH, this::metadata);
        routes.get(METADATA_PATH + PATH, this::metadata);
    }

    /**
     * Sends a notification to every session's GET stream (list-changed hints).
     *
     * @param method the notification method
     */
    public void broadcast(String method) {
        ObjectNode n =
                JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0").put("method", method);
        String text = n.toString();
        sessions.all().forEach(s -> s.send(text));
    }

    /**
     * Returns the open GET stream of the mandate's most recently used session, preferring those whose agent declared
     * the capability. Sessions are scanned, which is fine for what asks: an upstream's request to the client outside
     * any call, a rare event.
     *
     * @param mandateId the mandate
     * @param capability the client capability the request needs
     * @return the stream, or null if no live session of the mandate has one open
     */
    @Override
    public @Nullable Listener listener(String mandateId, String capability) {
        Session best = null;
        CallerContext bestCaller = null;
        boolean bestCapable = false;
        for (Session s : sessions.all()) {
            CallerContext caller = s.listener;
            if (caller == null || !s.mandateId.equals(mandateId) || s.closed()) {
                continue;
            }
            boolean capable = s.clientCapabilities.has(capability);
            if (best == null
                    || (capable && !bestCapable)
                    || (capable == bestCapable && s.lastSeen().isAfter(best.lastSeen()))) {
                best = s;
                bestCaller = caller;
                bestCapable = capable;
            }
        }
        return best == null || bestCaller == null
                ? null
                : new Listener(bestCaller, new StreamExchange(best, NullNode.getInstance()));
    }

    /**
     * Returns the number of live sessions.
     *
     * @return the count
     */
    public int sessionCount() {
        return sessions.size();
    }

    /** Ends every session and its GET stream. */
    @Override
    public void close() {
        sessions.closeAll();
    }

    // ---------------------------------------------------------------- POST

    private void post(Context ctx) {
        try {
            checkOrigin(ctx);
            checkAccept(ctx, false);
            JsonNode body = readMessage(ctx);
            if (body instanceof ArrayNode batch) {
                batch(ctx, batch);
                return;
            }
            JsonNode message = checked(body);
            String method = message.path("method").asText(null);
            JsonNode id = message.get("id");
            if ("server/discover".equals(method)) {
                // Clients of the stateless revision probe first; 404 + -32601 makes them fall back to initialize.
                throw new Failure(
                        404, GatewayError.METHOD_NOT_FOUND, "server/discover is not supported; initialize", id);
            }
            CallerContext caller = authenticate(ctx, id);
            JsonNode params = message.hasNonNull("params") ? message.get("params") : json.createObjectNode();
            if ("initialize".equals(method) && id != null) {
                initialize(ctx, caller, id, params);
                return;
            }
            Session session = session(ctx, caller, id);
            checkVersion(ctx, id);
            if (method == null) {
                // A response to a request the gateway relayed to the agent (sampling, elicitation, roots). One that
                // matches nothing pending (answered, timed out, never sent) is accepted and dropped.
                if (!session.answered(id, message)) {
                    LOG.debug("a response from the agent matches no pending request of its session");
                }
                ctx.status(202);
                return;
            }
            if (id == null) {
                handler.notification(caller, method, params, session.id);
                ctx.status(202);
                return;
            }
            String accept = ctx.header("Accept");
            PostExchange exchange =
                    new PostExchange(ctx, session, id, accept != null && accept.contains("text/event-stream"));
            exchange.finish(result(caller, method, params, id, exchange));
        } catch (Failure f) {
            writeError(ctx, f.status, f.id, f.error, f.text, null);
        }
    }

    /**
     * A JSON-RPC batch, which only protocol revision 2025-03-26 has (2025-06-18 removed them). Each member is answered
     * on its own, in order, in one JSON array; notifications and responses get no entry, and a batch of only those is
     * answered with 202.
     */
    private void batch(Context ctx, ArrayNode batch) {
        if (batch.isEmpty()) {
            throw new Failure(400, GatewayError.INVALID_REQUEST, "an empty JSON-RPC batch", null);
        }
        if (batch.size() > MAX_BATCH) {
            throw new Failure(
                    400,
                    GatewayError.INVALID_REQUEST,
                    "a batch of " + batch.size() + " messages exceeds the limit of " + MAX_BATCH + "; send fewer",
                    null);
        }
        CallerContext caller = authenticate(ctx, null);
        Session session = session(ctx, caller, null);
        checkVersion(ctx, null);
        if (!BATCH_VERSION.equals(session.protocolVersion)) {
            throw new Failure(
                    400,
                    GatewayError.INVALID_REQUEST,
                    "JSON-RPC batches exist only in protocol revision " + BATCH_VERSION + "; this session negotiated "
                            + session.protocolVersion + ", so send one message per request",
                    null);
        }
        ArrayNode responses = json.createArrayNode();
        for (JsonNode member : batch) {
            JsonNode id = member.get("id");
            boolean idOk = id == null || id.isTextual() || id.isIntegralNumber();
            String problem = problem(member);
            if (problem != null) {
                responses.add(error(idOk ? id : null, GatewayError.INVALID_REQUEST, problem, null));
                continue;
            }
            String method = member.path("method").asText(null);
            if (method == null) {
                session.answered(id, member); // an answer to a request the gateway relayed, if it matches one
                continue;
            }
            JsonNode params = member.hasNonNull("params") ? member.get("params") : json.createObjectNode();
            if (method.equals("initialize")) {
                if (id != null) {
                    responses.add(error(
                            id, GatewayError.INVALID_REQUEST, "initialize cannot be part of a JSON-RPC batch", null));
                }
                continue;
            }
            if (id == null) {
                handler.notification(caller, method, params, session.id);
                continue;
            }
            responses.add(result(caller, method, params, id, new StreamExchange(session, id)));
        }
        if (responses.isEmpty()) {
            ctx.status(202);
        } else {
            answer(ctx, responses);
        }
    }

    private void initialize(Context ctx, CallerContext caller, JsonNode id, JsonNode params) {
        String asked = params.path("protocolVersion").asText("");
        String version =
                GatewaySettings.PROTOCOL_VERSIONS.contains(asked) ? asked : GatewaySettings.PROTOCOL_VERSIONS.get(0);
        Session session;
        try {
            session = sessions.open(caller.mandateId(), version, params.path("capabilities"));
        } catch (GatewayException e) {
            throw new Failure(503, e.error(), e.getMessage(), id);
        }
        ObjectNode result;
        try {
            result = handler.initialize(caller, params);
        } catch (RuntimeException e) {
            sessions.remove(session.id);
            throw e;
        }
        result.put("protocolVersion", version);
        ctx.header(SESSION_HEADER, session.id);
        answer(ctx, success(id, result));
    }

    private ObjectNode result(CallerContext caller, String method, JsonNode params, JsonNode id, Exchange exchange) {
        try {
            return success(id, handler.request(caller, method, params, exchange));
        } catch (GatewayException e) {
            return error(id, e.error(), e.getMessage(), e.decision());
        } catch (MandateException e) {
            GatewayError error = e.code() == ErrorCode.BAD_REQUEST ? GatewayError.BAD_REQUEST : GatewayError.INTERNAL;
            String message = error == GatewayError.INTERNAL ? incident(e) : e.getMessage();
            return error(id, error, message, null);
        } catch (RuntimeException e) {
            return error(id, GatewayError.INTERNAL, incident(e), null);
        }
    }

    private static String incident(Exception e) {
        String incident = UUID.randomUUID().toString();
        LOG.error("internal error {} in the MCP gateway", incident, e);
        return "internal error; the server log has the details under " + incident;
    }

    private static void answer(Context ctx, JsonNode body) {
        String accept = ctx.header("Accept");
        boolean sse = accept != null && accept.contains("text/event-stream") && !accept.contains("application/json");
        if (sse) {
            ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-cache");
            ctx.result("event: message\ndata: " + body + "\n\n");
        } else {
            ctx.status(200).contentType("application/json");
            // Straight into Javalin's (compressing) output stream: ctx.result(bytes) would be copied there through a
            // 32 KiB buffer allocated per answer, a quarter of all bytes allocated under load (young GC pauses set the
            // p99). Same stream, same bytes, same compression decision (Javalin decides on the first write's size).
            try {
                ctx.outputStream().write(bytes(body));
            } catch (IOException e) {
                LOG.debug("an answer could not be written to the agent: {}", e.toString());
            }
        }
    }

    /**
     * The JSON text of {@code body} as UTF-8, written once: the same bytes as {@code body.toString()} encoded, without
     * the string between (the answer of every call passes here).
     */
    private static byte[] bytes(JsonNode body) {
        try {
            return WRITER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static ObjectNode notification(String method, ObjectNode params) {
        ObjectNode n =
                JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0").put("method", method);
        n.set("params", params);
        return n;
    }

    /**
     * Registers a request to the agent with its session, sends it, and tells the agent with
     * {@code notifications/cancelled} if the wait for its answer ends without one (timeout, the call ended).
     */
    private static CompletableFuture<JsonNode> ask(
            Session session, String method, ObjectNode params, java.util.function.Consumer<String> send) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        String id = session.expect(answer);
        ObjectNode r = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        r.put("id", id);
        r.put("method", method);
        r.set("params", params);
        send.accept(r.toString());
        var unused = answer.whenComplete((result, failure) -> {
            if (failure != null && !session.closed()) {
                ObjectNode cancelled = JsonNodeFactory.instance.objectNode();
                // A withdrawal says why (the upstream cancelled it, the call ended); a timeout is a plain cancel.
                Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause()
                        : failure;
                cancelled
                        .put("requestId", id)
                        .put(
                                "reason",
                                cause instanceof GatewayException g
                                        ? g.getMessage()
                                        : "the gateway stopped waiting for the answer");
                send.accept(notification("notifications/cancelled", cancelled).toString());
            }
        });
        return answer;
    }

    /** A request whose notifications go to the session's GET stream (a batch member). */
    private record StreamExchange(Session session, JsonNode requestId) implements Exchange {
        @Override
        public String sessionId() {
            return session.id;
        }

        @Override
        public void notify(String method, ObjectNode params) {
            session.send(notification(method, params).toString());
        }

        @Override
        public JsonNode clientCapabilities() {
            return session.clientCapabilities;
        }

        @Override
        public CompletableFuture<JsonNode> ask(String method, ObjectNode params) {
            return McpEndpoint.ask(session, method, params, session::send);
        }
    }

    /**
     * A POST in flight. Its first notification turns the response into an SSE stream (when the agent accepts one) that
     * ends with the result; without notifications the answer is as for any request.
     */
    private static final class PostExchange implements Exchange {
        private final Context ctx;
        private final Session session;
        private final JsonNode id;
        private final boolean sse;
        private boolean streaming;
        private boolean done;

        PostExchange(Context ctx, Session session, JsonNode id, boolean sse) {
            this.ctx = ctx;
            this.session = session;
            this.id = id;
            this.sse = sse;
        }

        @Override
        public String sessionId() {
            return session.id;
        }

        @Override
        public JsonNode requestId() {
            return id;
        }

        @Override
        public JsonNode clientCapabilities() {
            return session.clientCapabilities;
        }

        @Override
        public CompletableFuture<JsonNode> ask(String method, ObjectNode params) {
            return McpEndpoint.ask(session, method, params, this::send);
        }

        @Override
        public void notify(String method, ObjectNode params) {
            send(notification(method, params).toString());
        }

        /** On the POST's SSE response while it is open (turning it into one), else on the GET stream. */
        private synchronized void send(String text) {
            if (done || !sse) {
                session.send(text);
                return;
            }
            try {
                if (!streaming) {
                    ctx.res().setStatus(200);
                    ctx.res().setContentType("text/event-stream");
                    ctx.res().setHeader("Cache-Control", "no-cache");
                    streaming = true;
                }
                write(text);
            } catch (IOException e) {
                LOG.debug("a message to an agent's SSE response failed: {}", e.toString());
            }
        }

        synchronized void finish(ObjectNode body) {
            done = true;
            if (!streaming) {
                answer(ctx, body);
                return;
            }
            try {
                write(body.toString());
            } catch (IOException e) {
                LOG.debug("the result could not be written to an agent's SSE response: {}", e.toString());
            }
        }

        private void write(String message) throws IOException {
            OutputStream out = ctx.res().getOutputStream();
            out.write(("event: message\ndata: " + message + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    // ---------------------------------------------------------------- GET and DELETE

    private void get(Context ctx) throws IOException {
        Session session;
        CallerContext caller;
        try {
            checkOrigin(ctx);
            checkAccept(ctx, true);
            caller = authenticate(ctx, null);
            session = session(ctx, caller, null);
            if (!session.streaming.compareAndSet(false, true)) {
                throw new Failure(409, GatewayError.INVALID_REQUEST, "this session already has a GET stream", null);
            }
        } catch (Failure f) {
            writeError(ctx, f.status, f.id, f.error, f.text, null);
            return;
        }
        try {
            session.listener = caller;
            stream(ctx, session);
        } finally {
            session.listener = null;
            session.streaming.set(false);
        }
    }

    private void stream(Context ctx, Session session) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setHeader("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        out.write(": stream open\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            while (!session.closed()) {
                String message = session.outbound.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
                if (message == null) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                } else if (message.equals(Session.END)) {
                    break;
                } else {
                    out.write(("event: message\ndata: " + message + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("GET stream of a session ended: {}", e.toString());
        }
    }

    private void delete(Context ctx) {
        try {
            checkOrigin(ctx);
            CallerContext caller = authenticate(ctx, null);
            Session session = session(ctx, caller, null);
            sessions.remove(session.id);
            ctx.status(204);
        } catch (Failure f) {
            writeError(ctx, f.status, f.id, f.error, f.text, null);
        }
    }

    private void metadata(Context ctx) {
        String base = baseUrl(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resource", base + PATH);
        body.put("authorization_servers", List.of(base));
        body.put("bearer_methods_supported", List.of("header"));
        body.put("dpop_signing_alg_values_supported", List.of("EdDSA", "ES256"));
        if (certificateBoundTokens) {
            body.put("tls_client_certificate_bound_access_tokens", true); // RFC 9728 §2, RFC 8705 §3.4
        }
        body.put("resource_name", "Mandate MCP gateway");
        ctx.status(200).contentType("application/json");
        try {
            ctx.result(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    // ---------------------------------------------------------------- checks

    private void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || settings.allowedOrigins().contains(origin)) {
            return;
        }
        try {
            String host = URI.create(origin).getHost();
            if (host != null && LOOPBACK.contains(host.toLowerCase(Locale.ROOT))) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // not a URI: refused below
        }
        throw new Failure(
                403,
                GatewayError.INVALID_REQUEST,
                "origin '" + origin + "' is not allowed; add it to gateway.allowed-origins",
                null);
    }

    private static void checkAccept(Context ctx, boolean streamOnly) {
        String accept = ctx.header("Accept");
        if (accept == null) {
            if (streamOnly) {
                throw new Failure(406, GatewayError.INVALID_REQUEST, "GET /mcp needs Accept: text/event-stream", null);
            }
            return;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        boolean any = a.contains("*/*");
        boolean ok = streamOnly
                ? any || a.contains("text/event-stream") || a.contains("text/*")
                : any
                        || a.contains("application/json")
                        || a.contains("text/event-stream")
                        || a.contains("application/*");
        if (!ok) {
            throw new Failure(
                    406,
                    GatewayError.INVALID_REQUEST,
                    "Accept '" + accept + "' admits neither application/json nor text/event-stream",
                    null);
        }
    }

    private JsonNode readMessage(Context ctx) {
        int max = settings.maxMessageBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge(declared, max);
        }
        byte[] body;
        try {
            if (declared >= 0) {
                // The usual case: read into an array of the declared size. readNBytes(max + 1) would allocate a 16 KiB
                // buffer per request besides the result, which was a seventh of all bytes allocated under load
                // (young GC pauses set the p99). The servlet stream ends at the declared length.
                body = new byte[(int) declared];
                if (ctx.bodyInputStream().readNBytes(body, 0, body.length) < body.length) {
                    throw new IOException("the body ended before its Content-Length of " + declared);
                }
            } else {
                body = ctx.bodyInputStream().readNBytes(max + 1);
            }
        } catch (IOException e) {
            throw new Failure(400, GatewayError.INVALID_REQUEST, "the request body could not be read", null);
        }
        if (body.length > max) {
            throw tooLarge(body.length, max);
        }
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (IOException e) {
            throw new Failure(400, GatewayError.PARSE_ERROR, "the body is not JSON", null);
        }
        if (message == null || message.isMissingNode()) {
            throw new Failure(400, GatewayError.PARSE_ERROR, "the body is empty", null);
        }
        return message;
    }

    private static JsonNode checked(JsonNode message) {
        String problem = problem(message);
        if (problem != null) {
            JsonNode id = message.get("id");
            boolean idOk = id == null || id.isTextual() || id.isIntegralNumber();
            throw new Failure(400, GatewayError.INVALID_REQUEST, problem, idOk ? id : null);
        }
        return message;
    }

    /** What makes a message not JSON-RPC 2.0, or null if nothing does. */
    private static @Nullable String problem(JsonNode message) {
        JsonNode id = message.get("id");
        boolean idOk = id == null || id.isTextual() || id.isIntegralNumber();
        boolean hasMethod = message.path("method").isTextual();
        boolean isResponse = !hasMethod && id != null && (message.has("result") || message.has("error"));
        if (!message.isObject()
                || !"2.0".equals(message.path("jsonrpc").asText(null))
                || !idOk
                || !(hasMethod || isResponse)
                || (message.has("params") && !message.get("params").isObject())) {
            return "not a JSON-RPC 2.0 request, notification or response (jsonrpc \"2.0\", a string method, a string"
                    + " or integer id, object params)";
        }
        return null;
    }

    private static Failure tooLarge(long size, int max) {
        return new Failure(
                413,
                GatewayError.INVALID_REQUEST,
                "message of " + size + "+ bytes exceeds the limit of " + max + " (gateway.max-message-bytes)",
                null);
    }

    /** The leaf of the client's chain when the request came over mutual TLS (the servlet attribute), else null. */
    private static java.security.cert.@Nullable X509Certificate clientCertificate(Context ctx) {
        Object chain = ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        return chain instanceof java.security.cert.X509Certificate[] certs && certs.length > 0 ? certs[0] : null;
    }

    private CallerContext authenticate(Context ctx, @Nullable JsonNode id) {
        try {
            return authenticator.authenticate(AuthenticationRequest.of(new RequestSource(ctx)));
        } catch (MandateException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                ctx.header(
                        "WWW-Authenticate",
                        "Bearer resource_metadata=\"" + baseUrl(ctx) + METADATA_PATH + "\", error=\"invalid_token\"");
                throw new Failure(401, GatewayError.UNAUTHENTICATED, e.getMessage(), id);
            }
            if (e.code() == ErrorCode.FORBIDDEN) {
                throw new Failure(403, GatewayError.DENIED, e.getMessage(), id);
            }
            throw new Failure(
                    503,
                    GatewayError.INTERNAL,
                    "authentication is unavailable: " + e.code().wireName(),
                    id);
        } catch (RuntimeException e) {
            throw new Failure(503, GatewayError.INTERNAL, incident(e), id);
        }
    }

    /**
     * The live request as an authenticator reads it: headers on demand (an authenticator reads one or two), the URI
     * built only if asked (a DPoP proof's {@code htu}).
     */
    private record RequestSource(Context ctx) implements AuthenticationRequest.Source {
        @Override
        public String method() {
            return ctx.method().name();
        }

        @Override
        public URI uri() {
            return URI.create(baseUrl(ctx) + ctx.path());
        }

        @Override
        public List<String> headerValues(String name) {
            Enumeration<String> values = ctx.req().getHeaders(name);
            if (values == null || !values.hasMoreElements()) {
                return List.of();
            }
            String first = values.nextElement();
            return values.hasMoreElements() ? with(first, values) : List.of(first);
        }

        private static List<String> with(String first, Enumeration<String> rest) {
            List<String> all = new ArrayList<>();
            all.add(first);
            all.addAll(Collections.list(rest));
            return List.copyOf(all);
        }

        @Override
        public Map<String, List<String>> headers() {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String name : Collections.list(ctx.req().getHeaderNames())) {
                headers.put(name, Collections.list(ctx.req().getHeaders(name)));
            }
            return headers;
        }

        @Override
        public java.security.cert.@Nullable X509Certificate clientCertificate() {
            return McpEndpoint.clientCertificate(ctx);
        }
    }

    private Session session(Context ctx, CallerContext caller, @Nullable JsonNode id) {
        String sessionId = ctx.header(SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank()) {
            throw new Failure(
                    400, GatewayError.INVALID_REQUEST, "missing " + SESSION_HEADER + " header; initialize first", id);
        }
        Session session = sessions.find(sessionId);
        // A session used under another mandate is treated as unknown, so ids cannot be probed across mandates.
        if (session == null || !session.mandateId.equals(caller.mandateId())) {
            throw new Failure(
                    404, GatewayError.SESSION_NOT_FOUND, "unknown or expired session; initialize a new one", id);
        }
        return session;
    }

    private static void checkVersion(Context ctx, @Nullable JsonNode id) {
        String version = ctx.header(VERSION_HEADER);
        if (version != null && !GatewaySettings.PROTOCOL_VERSIONS.contains(version)) {
            throw new Failure(
                    400,
                    GatewayError.INVALID_REQUEST,
                    "unsupported " + VERSION_HEADER + " '" + version + "'; supported: "
                            + GatewaySettings.PROTOCOL_VERSIONS,
                    id);
        }
        if (version == null) {
            LOG.trace("no {} header; assuming {}", VERSION_HEADER, DEFAULT_VERSION);
        }
    }

    private static String baseUrl(Context ctx) {
        return ctx.scheme() + "://" + ctx.host();
    }

    // ---------------------------------------------------------------- JSON-RPC bodies

    private ObjectNode success(JsonNode id, JsonNode result) {
        ObjectNode body = json.createObjectNode().put("jsonrpc", "2.0");
        body.set("id", id);
        body.set("result", result);
        return body;
    }

    private ObjectNode error(@Nullable JsonNode id, GatewayError error, String message, @Nullable Decision decision) {
        ObjectNode body = json.createObjectNode().put("jsonrpc", "2.0");
        body.set("id", id == null ? json.nullNode() : id);
        ObjectNode err =
                body.putObject("error").put("code", error.jsonRpcCode()).put("message", message);
        ObjectNode data = err.putObject("data").put("code", error.wireName());
        if (decision != null) {
            switch (decision) {
                case Decision.Allow a -> data.put("decision", "allow");
                case Decision.Deny d -> {
                    data.put("decision", "deny");
                    data.put("reason", d.reason());
                    d.policyIds().forEach(data.withArray("policies")::add);
                }
                case Decision.ApprovalRequired a -> {
                    data.put("decision", "approval-required");
                    data.put("approvalId", a.approvalId());
                    a.policyIds().forEach(data.withArray("policies")::add);
                }
            }
        }
        return body;
    }

    private void writeError(
            Context ctx,
            int status,
            @Nullable JsonNode id,
            GatewayError error,
            String message,
            @Nullable Decision decision) {
        ctx.status(status).contentType("application/json").result(bytes(error(id, error, message, decision)));
    }

    /** A transport-level refusal: its HTTP status and JSON-RPC error. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final GatewayError error;
        final transient @Nullable JsonNode id;
        final String text;

        Failure(int status, GatewayError error, String message, @Nullable JsonNode id) {
            super(message, null, false, false);
            this.text = message;
            this.status = status;
            this.error = error;
            this.id = id;
        }
    }
}

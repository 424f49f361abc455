package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.catalog.ToolHints;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.ToolName;
import dev.mandate.gateway.transport.Exchange;
import dev.mandate.gateway.transport.McpHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the agent's MCP requests by relaying them to the upstreams: lists are merged, namespaced and filtered to what
 * the caller could be allowed; calls, reads and prompt fetches go through the {@link CallPipeline}. The progress of a
 * tool call, resource read or prompt fetch is relayed to the agent under the agent's own progress token, the agent's
 * {@code notifications/cancelled} cancels it upstream, and the upstream's requests to the client made as part of it
 * (sampling, elicitation, roots) go to the agent session that made it ({@link ClientRequests}).
 */
public final class Relay implements McpHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final Map<String, Upstream> upstreams;
    private final Catalog catalog;
    private final CallPipeline pipeline;
    private final ObjectMapper json;
    private final String version;
    private final ResourceRoutes routes;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

    Relay(
            Map<String, Upstream> upstreams,
            Catalog catalog,
            CallPipeline pipeline,
            ObjectMapper json,
            String version,
            ResourceRoutes routes) {
        this.upstreams = Map.copyOf(upstreams);
        this.routes = routes;
        this.catalog = catalog;
        this.pipeline = pipeline;
        this.json = json;
        this.version = version;
    }

    @Override
    public ObjectNode initialize(CallerContext caller, JsonNode params) {
        return CallerScope.with(caller, () -> initializeAs(caller));
    }

    private ObjectNode initializeAs(CallerContext caller) {
        ObjectNode result = json.createObjectNode();
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", true);
        for (Upstream upstream : upstreams.values()) {
            JsonNode upstreamCapabilities = capabilitiesOrNull(upstream);
            if (upstreamCapabilities == null) {
                continue;
            }
            if (upstreamCapabilities.has("resources")) {
                capabilities.putObject("resources").put("listChanged", true).put("subscribe", false);
            }
            if (upstreamCapabilities.has("prompts")) {
                capabilities.putObject("prompts").put("listChanged", true);
            }
        }
        capabilities.putObject("logging");
        result.putObject("serverInfo").put("name", "mandate-gateway").put("version", version);
        result.put(
                "instructions",
                "Tools are named <server>.<tool>. Every call is decided by policy in the context of your mandate.");
        return result;
    }

    private static @Nullable JsonNode capabilitiesOrNull(Upstream upstream) {
        try {
            return upstream.capabilities();
        } catch (GatewayException e) {
            LOG.warn("upstream '{}' left out of the session: {}", upstream.name(), e.getMessage());
            return null;
        }
    }

    @Override
    public JsonNode request(CallerContext caller, String method, JsonNode params) {
        return answer(caller, method, params, null);
    }

    @Override
    public JsonNode request(CallerContext caller, String method, JsonNode params, Exchange exchange) {
        return answer(caller, method, params, exchange);
    }

    private JsonNode answer(CallerContext caller, String method, JsonNode params, @Nullable Exchange exchange) {
        // Upstreams with per-mandate credentials find the caller here (see CallerScope).
        return CallerScope.with(caller, () -> answerAs(caller, method, params, exchange));
    }

    private JsonNode answerAs(CallerContext caller, String method, JsonNode params, @Nullable Exchange exchange) {
        return switch (method) {
            case "ping", "logging/setLevel" -> json.createObjectNode();
            case "tools/list" -> listTools(caller);
            case "tools/call" -> callTool(caller, params, exchange);
            case "resources/list" -> listResources(caller);
            case "resources/templates/list" -> listTemplates();
            case "resources/read" -> readResource(caller, params, exchange);
            case "prompts/list" -> listPrompts(caller);
            case "prompts/get" -> getPrompt(caller, params, exchange);
            default ->
                throw new GatewayException(
                        GatewayError.METHOD_NOT_FOUND,
                        "method '" + truncate(method) + "' is not supported by the gateway");
        };
    }

    @Override
    public void notification(CallerContext caller, String method, JsonNode params) {
        if (method.equals("notifications/roots/list_changed")) {
            // Passed to the upstream connections of the caller's mandate only: a connection shared by all agents
            // would tell the server of one agent's change in every agent's view (see Upstream#rootsListChanged).
            CallerScope.with(caller, () -> {
                for (Upstream upstream : upstreams.values()) {
                    try {
                        upstream.rootsListChanged();
                    } catch (RuntimeException e) {
                        LOG.debug("roots/list_changed not passed to '{}': {}", upstream.name(), e.toString());
                    }
                }
                return null;
            });
            return;
        }
        // initialized needs no relaying: the gateway's upstream sessions are its own. It is accepted (202), not
        // dropped silently: the trace log names it.
        LOG.trace("notification {} from {}", method, caller.agentId());
    }

    @Override
    public void notification(CallerContext caller, String method, JsonNode params, String sessionId) {
        if (method.equals("notifications/cancelled")) {
            JsonNode requestId = params.path("requestId");
            InFlight flight = inFlight.get(key(sessionId, requestId));
            if (flight != null) {
                LOG.debug("{} cancelled request {} of its session", caller.agentId(), requestId);
                flight.cancel();
            }
            return;
        }
        notification(caller, method, params);
    }

    private static String key(String sessionId, JsonNode requestId) {
        return sessionId + ' ' + requestId;
    }

    /**
     * One agent {@code tools/call}, {@code resources/read} or {@code prompts/get} in flight: relays the upstream's
     * progress under the agent's own progress token (if the agent asked for progress), relays the upstream's requests to
     * the client to this agent session, and cancels the upstream request when the agent cancels.
     */
    private static final class InFlight implements CallObserver {
        private final @Nullable Exchange exchange;
        private final @Nullable JsonNode agentToken;
        private final CallerContext caller;
        private final String server;
        private final ClientRequests clientRequests;
        private final Map<Long, java.util.concurrent.CompletableFuture<JsonNode>> asked = new ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong askedIds = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean ended;
        private @Nullable Runnable cancel;
        private boolean cancelled;

        InFlight(
                @Nullable Exchange exchange,
                @Nullable JsonNode agentToken,
                CallerContext caller,
                String server,
                ClientRequests clientRequests) {
            this.exchange = exchange;
            this.agentToken = agentToken;
            this.caller = caller;
            this.server = server;
            this.clientRequests = clientRequests;
        }

        @Override
        public void progress(double progress, @Nullable Double total, @Nullable String message) {
            JsonNode token = agentToken;
            Exchange ex = exchange;
            if (token == null || ex == null) {
                return;
            }
            ObjectNode params = JsonNodeFactory.instance.objectNode();
            params.set("progressToken", token);
            params.put("progress", progress);
            if (total != null) {
                params.put("total", total);
            }
            if (message != null) {
                params.put("message", message);
            }
            ex.notify("notifications/progress", params);
        }

        /** Relayed to the agent session of this call, decided and recorded (see {@link ClientRequests}). */
        @Override
        public ObjectNode clientRequest(
                String method,
                JsonNode params,
                java.time.Duration timeout,
                java.util.concurrent.CompletableFuture<String> withdrawn) {
            Exchange ex = exchange;
            if (ex == null) {
                return CallObserver.super.clientRequest(method, params, timeout, withdrawn);
            }
            return clientRequests.answer(caller, server, new Tracking(ex), method, params, timeout, withdrawn);
        }

        /**
         * Ends the call: a request to the agent still awaiting its answer is withdrawn (the agent is told with
         * {@code notifications/cancelled}, the upstream gets an error), and none is sent any more.
         */
        void end() {
            ended = true;
            for (java.util.concurrent.CompletableFuture<JsonNode> a : asked.values()) {
                a.completeExceptionally(new GatewayException(
                        GatewayError.UPSTREAM_UNAVAILABLE, "the call this request belongs to ended first"));
            }
        }

        /** The call's exchange, remembering what it asks the agent so that {@link #end} can withdraw it. */
        private final class Tracking implements Exchange {
            private final Exchange delegate;

            Tracking(Exchange delegate) {
                this.delegate = delegate;
            }

            @Override
            public String sessionId() {
                return delegate.sessionId();
            }

            @Override
            public JsonNode requestId() {
                return delegate.requestId();
            }

            @Override
            public void notify(String method, ObjectNode params) {
                delegate.notify(method, params);
            }

            @Override
            public JsonNode clientCapabilities() {
                return delegate.clientCapabilities();
            }

            @Override
            public java.util.concurrent.CompletableFuture<JsonNode> ask(String method, ObjectNode params) {
                if (ended) {
                    throw new GatewayException(
                            GatewayError.UPSTREAM_UNAVAILABLE, "the call this request belongs to has ended");
                }
                java.util.concurrent.CompletableFuture<JsonNode> a = delegate.ask(method, params);
                long key = askedIds.incrementAndGet();
                asked.put(key, a);
                var unused = a.whenComplete((r, e) -> asked.remove(key));
                if (ended) {
                    a.completeExceptionally(new GatewayException(
                            GatewayError.UPSTREAM_UNAVAILABLE, "the call this request belongs to ended first"));
                }
                return a;
            }
        }

        @Override
        public synchronized void cancellable(Runnable cancel) {
            this.cancel = cancel;
            if (cancelled) {
                cancel.run();
            }
        }

        synchronized void cancel() {
            cancelled = true;
            Runnable c = cancel;
            if (c != null) {
                c.run();
            }
        }

        synchronized boolean cancelled() {
            return cancelled;
        }
    }

    // ---------------------------------------------------------------- tools

    private JsonNode listTools(CallerContext caller) {
        ArrayNode tools = json.createArrayNode();
        for (Upstream upstream : reachable(null)) {
            for (JsonNode tool : upstream.tools()) {
                String name = tool.path("name").asText("");
                ToolName namespaced;
                try {
                    namespaced = new ToolName(upstream.name(), name);
                } catch (RuntimeException e) {
                    LOG.warn("upstream '{}' lists a tool with an unusable name; it is hidden", upstream.name());
                    continue;
                }
                CatalogEntry entry = catalog.tool(upstream.name(), name, hints(tool));
                CatalogKey key = new CatalogKey(CatalogKind.TOOL, upstream.name(), name);
                if (pipeline.couldBeAllowed(caller, "tools/call", namespaced.toString(), key, entry)) {
                    ObjectNode copy = tool.deepCopy();
                    copy.put("name", namespaced.toString());
                    tools.add(copy);
                }
            }
        }
        ObjectNode result = json.createObjectNode();
        result.set("tools", tools);
        return result;
    }

    private JsonNode callTool(CallerContext caller, JsonNode params, @Nullable Exchange exchange) {
        String text = requiredText(params, "name");
        ToolName name = toolName(text);
        Upstream upstream = upstream(name.server(), text);
        JsonNode tool = upstream.tool(name.tool());
        if (tool == null) {
            throw new GatewayException(GatewayError.BAD_REQUEST, "unknown tool '" + truncate(text) + "'");
        }
        JsonNode given = params.path("arguments");
        if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
            throw new GatewayException(GatewayError.BAD_REQUEST, "tools/call arguments must be an object");
        }
        JsonNode arguments = given.isObject() ? given : json.createObjectNode();
        CatalogEntry entry = catalog.tool(name.server(), name.tool(), hints(tool));
        CatalogKey key = new CatalogKey(CatalogKind.TOOL, name.server(), name.tool());
        JsonNode result = tracked(
                caller,
                params,
                exchange,
                name.server(),
                text,
                flight -> pipeline.call(caller, "tools/call", name.toString(), key, entry, arguments, args -> {
                    if (flight.cancelled()) {
                        throw cancelled(text);
                    }
                    return upstream.callTool(name.tool(), args, flight);
                }));
        return withAgentUris(result, upstream);
    }

    /**
     * Runs one {@code tools/call}, {@code resources/read} or {@code prompts/get} as a request in flight: the upstream's
     * progress is relayed under the agent's own progress token (if it gave one), the upstream's requests to the client
     * made as part of it go to the agent's session, and the agent's {@code notifications/cancelled} cancels it.
     */
    private JsonNode tracked(
            CallerContext caller,
            JsonNode params,
            @Nullable Exchange exchange,
            String server,
            String what,
            java.util.function.Function<InFlight, JsonNode> run) {
        JsonNode token = params.path("_meta").path("progressToken");
        InFlight flight = new InFlight(
                exchange,
                token.isTextual() || token.isIntegralNumber() ? token : null,
                caller,
                server,
                pipeline.clientRequests);
        if (exchange == null) {
            return run.apply(flight);
        }
        String flightKey = key(exchange.sessionId(), exchange.requestId());
        inFlight.put(flightKey, flight);
        try {
            return run.apply(flight);
        } catch (GatewayException e) {
            throw flight.cancelled() && e.error() != GatewayError.CANCELLED ? cancelled(what) : e;
        } finally {
            inFlight.remove(flightKey, flight);
            flight.end();
        }
    }

    private static GatewayException cancelled(String what) {
        return new GatewayException(
                GatewayError.CANCELLED,
                "the agent cancelled the request for '" + truncate(what) + "'; the upstream was told");
    }

    private static ToolHints hints(JsonNode tool) {
        return dev.mandate.gateway.policy.UpstreamTools.hints(tool);
    }

    // ---------------------------------------------------------------- resources

    private JsonNode listResources(CallerContext caller) {
        Map<Upstream, List<JsonNode>> listings = new LinkedHashMap<>();
        for (Upstream upstream : reachable("resources")) {
            List<JsonNode> listed = upstream.resources();
            routes.listed(upstream.name(), listed);
            listings.put(upstream, listed);
        }
        Map<String, Integer> servedBy = ResourceRoutes.servedBy(listings, "uri");
        ArrayNode resources = json.createArrayNode();
        listings.forEach((upstream, listed) -> {
            for (JsonNode resource : listed) {
                String uri = resource.path("uri").asText("");
                if (uri.isEmpty() || uri.length() > CatalogKey.MAX_NAME_LENGTH) {
                    continue;
                }
                CatalogKey key = new CatalogKey(CatalogKind.RESOURCE, upstream.name(), uri);
                if (pipeline.couldBeAllowed(
                        caller,
                        "resources/read",
                        uri,
                        key,
                        catalog.entry(CatalogKind.RESOURCE, upstream.name(), uri))) {
                    String agentUri = ResourceRoutes.agentUri(upstream.name(), uri, servedBy.getOrDefault(uri, 1));
                    resources.add(
                            agentUri.equals(uri) ? resource : ((ObjectNode) resource.deepCopy()).put("uri", agentUri));
                }
            }
        });
        ObjectNode result = json.createObjectNode();
        result.set("resources", resources);
        return result;
    }

    private JsonNode listTemplates() {
        Map<Upstream, List<JsonNode>> listings = new LinkedHashMap<>();
        for (Upstream upstream : reachable("resources")) {
            List<JsonNode> listed = upstream.resourceTemplates();
            routes.templatesListed(upstream.name(), listed);
            listings.put(upstream, listed);
        }
        Map<String, Integer> servedBy = ResourceRoutes.servedBy(listings, "uriTemplate");
        Set<String> overlapping = ResourceRoutes.overlappingTemplates(listings);
        ArrayNode templates = json.createArrayNode();
        listings.forEach((upstream, listed) -> {
            for (JsonNode template : listed) {
                String t = template.path("uriTemplate").asText("");
                int served = overlapping.contains(upstream.name() + ' ' + t) ? 2 : servedBy.getOrDefault(t, 1);
                String agentTemplate = ResourceRoutes.agentUri(upstream.name(), t, served);
                templates.add(
                        agentTemplate.equals(t)
                                ? template
                                : ((ObjectNode) template.deepCopy()).put("uriTemplate", agentTemplate));
            }
        });
        ObjectNode result = json.createObjectNode();
        result.set("resourceTemplates", templates);
        return result;
    }

    private JsonNode readResource(CallerContext caller, JsonNode params, @Nullable Exchange exchange) {
        String agentUri = requiredText(params, "uri");
        if (agentUri.length() > ResourceRoutes.MAX_AGENT_URI_LENGTH) {
            throw new GatewayException(
                    GatewayError.BAD_REQUEST,
                    "resource URI longer than " + ResourceRoutes.MAX_AGENT_URI_LENGTH + " characters");
        }
        ResourceRoutes.Route route = routes.route(
                agentUri,
                upstreams,
                reachable("resources"),
                why -> new GatewayException(GatewayError.BAD_REQUEST, "resource '" + truncate(agentUri) + "': " + why));
        Upstream upstream = route.upstream();
        String uri = route.uri();
        // The decision, the catalog labels and the clearance are those of the upstream the read goes to.
        CatalogKey key = new CatalogKey(CatalogKind.RESOURCE, upstream.name(), uri);
        JsonNode result = tracked(
                caller,
                params,
                exchange,
                upstream.name(),
                uri,
                flight -> pipeline.call(
                        caller,
                        "resources/read",
                        uri,
                        key,
                        catalog.entry(CatalogKind.RESOURCE, upstream.name(), uri),
                        json.createObjectNode().put("uri", uri),
                        args -> {
                            if (flight.cancelled()) {
                                throw cancelled(uri);
                            }
                            return upstream.readResource(uri, flight);
                        }));
        if (!agentUri.equals(uri)) {
            // The agent named the resource by its namespaced URI: the contents carry the name it asked for.
            for (JsonNode content : result.path("contents")) {
                if (content instanceof ObjectNode o && uri.equals(o.path("uri").asText(null))) {
                    o.put("uri", agentUri);
                }
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- prompts

    private JsonNode listPrompts(CallerContext caller) {
        ArrayNode prompts = json.createArrayNode();
        for (Upstream upstream : reachable("prompts")) {
            for (JsonNode prompt : upstream.prompts()) {
                String name = prompt.path("name").asText("");
                ToolName namespaced;
                try {
                    namespaced = new ToolName(upstream.name(), name);
                } catch (RuntimeException e) {
                    continue;
                }
                CatalogKey key = new CatalogKey(CatalogKind.PROMPT, upstream.name(), name);
                if (pipeline.couldBeAllowed(
                        caller,
                        "prompts/get",
                        namespaced.toString(),
                        key,
                        catalog.entry(CatalogKind.PROMPT, upstream.name(), name))) {
                    ObjectNode copy = prompt.deepCopy();
                    copy.put("name", namespaced.toString());
                    prompts.add(copy);
                }
            }
        }
        ObjectNode result = json.createObjectNode();
        result.set("prompts", prompts);
        return result;
    }

    private JsonNode getPrompt(CallerContext caller, JsonNode params, @Nullable Exchange exchange) {
        String text = requiredText(params, "name");
        ToolName name = toolName(text);
        Upstream upstream = upstream(name.server(), text);
        JsonNode arguments = params.path("arguments");
        JsonNode args = arguments.isObject() ? arguments : json.createObjectNode();
        CatalogKey key = new CatalogKey(CatalogKind.PROMPT, name.server(), name.tool());
        JsonNode result = tracked(
                caller,
                params,
                exchange,
                name.server(),
                text,
                flight -> pipeline.call(
                        caller,
                        "prompts/get",
                        name.toString(),
                        key,
                        catalog.entry(CatalogKind.PROMPT, name.server(), name.tool()),
                        args,
                        a -> {
                            if (flight.cancelled()) {
                                throw cancelled(text);
                            }
                            return upstream.getPrompt(name.tool(), a, flight);
                        }));
        return withAgentUris(result, upstream);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Renames the resources a tool or prompt result links or embeds to the URIs the agent reads them by (see
     * {@link ResultLinks}). The pipeline has already held the items to the clearance by the upstream's own URIs.
     */
    private JsonNode withAgentUris(JsonNode result, Upstream upstream) {
        ResultLinks.rename(
                result, upstream.name(), uris -> routes.namespacedIn(upstream, uris, reachable("resources")));
        return result;
    }

    private List<Upstream> reachable(@Nullable String capability) {
        List<Upstream> out = new ArrayList<>();
        for (Upstream upstream : upstreams.values()) {
            JsonNode capabilities = capabilitiesOrNull(upstream);
            if (capabilities != null && (capability == null || capabilities.has(capability))) {
                out.add(upstream);
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    private Upstream upstream(String server, String asked) {
        Upstream upstream = upstreams.get(server);
        if (upstream == null) {
            throw new GatewayException(
                    GatewayError.BAD_REQUEST, "unknown tool '" + truncate(asked) + "': no upstream '" + server + "'");
        }
        return upstream;
    }

    private static ToolName toolName(String text) {
        try {
            return ToolName.parse(text);
        } catch (RuntimeException e) {
            throw new GatewayException(GatewayError.BAD_REQUEST, String.valueOf(e.getMessage()));
        }
    }

    private static String requiredText(JsonNode params, String field) {
        JsonNode value = params.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new GatewayException(GatewayError.BAD_REQUEST, "params." + field + " must be a non-empty string");
        }
        return value.asText();
    }

    private static String truncate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /**
     * Lists every upstream's tools once (connecting it), so that their signatures are known before an agent asks;
     * an unreachable upstream is skipped and stays pending until a later list succeeds.
     */
    public void prefetchTools() {
        for (Upstream upstream : upstreams.values()) {
            try {
                upstream.tools();
            } catch (RuntimeException e) {
                LOG.warn("upstream '{}': tools not listed at start: {}", upstream.name(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        upstreams.values().forEach(Upstream::close);
    }

    /**
     * Closes the ended mandate's connections to upstreams that hold them per mandate (stopping their processes).
     *
     * @param mandateId the mandate that ended
     */
    public void mandateEnded(String mandateId) {
        for (Upstream upstream : upstreams.values()) {
            if (upstream instanceof MandateUpstreams perMandate) {
                perMandate.mandateEnded(mandateId);
            } else if (upstream instanceof MandateProcesses processes) {
                processes.mandateEnded(mandateId);
            }
        }
    }

    /** Builds relays; the factory keeps the constructor's package-private parts out of the public surface. */
    public static final class Factory {
        private Factory() {}

        /**
         * Creates a relay over its upstreams (Streamable HTTP ones through the gateway's own client, stdio ones through
         * the SDK's) that reports every tool list it fetches; upstreams with a
         * credential get one connection per mandate, with the mandate's lease injected.
         *
         * @param settings the gateway settings
         * @param config the upstreams and catalog
         * @param decider decides calls
         * @param audit records calls
         * @param stores the labelled store memory
         * @param clock the clock
         * @param json the JSON mapper
         * @param listChanged told when an upstream's list changed, with the notification method to broadcast
         * @param toolsListed told each upstream's full tool list whenever one is fetched
         * @param credentials issues the leases injected into upstream calls; null if no upstream has a credential
         * @param streams the agents' open GET streams, where a mandate's own upstream connection sends the requests to
         *     the client that belong to no call
         * @return the relay
         * @throws dev.mandate.core.MandateException with {@code BAD_CONFIG} if an upstream has a credential and there
         *     is no injector
         */
        public static Relay create(
                dev.mandate.gateway.GatewaySettings settings,
                dev.mandate.gateway.GatewayConfig config,
                dev.mandate.gateway.CallDecider decider,
                dev.mandate.core.audit.AuditSink audit,
                dev.mandate.core.flow.LabelledStore stores,
                java.time.InstantSource clock,
                ObjectMapper json,
                java.util.function.Consumer<String> listChanged,
                java.util.function.BiConsumer<String, List<JsonNode>> toolsListed,
                dev.mandate.gateway.credential.@Nullable LeaseInjector credentials,
                dev.mandate.gateway.transport.AgentStreams streams) {
            Map<String, Upstream> upstreams = new java.util.LinkedHashMap<>();
            CallPipeline pipeline = new CallPipeline(decider, audit, stores, clock, config.catalog());
            ClientRequests asks = pipeline.clientRequests;
            ResourceRoutes routes = new ResourceRoutes();
            // An upstream whose resources changed may now serve URIs another one serves too: route from a new listing.
            java.util.function.Consumer<String> changed = method -> {
                if (method.equals("notifications/resources/list_changed")) {
                    routes.forget();
                }
                listChanged.accept(method);
            };
            config.upstreams().forEach((name, upstream) -> {
                if (upstream.credential() == null && upstream instanceof dev.mandate.gateway.UpstreamConfig.Http h) {
                    upstreams.put(
                            name,
                            new StreamableHttpUpstream(
                                    h,
                                    StreamableHttpUpstream.newClient(settings.upstreamTimeout()),
                                    true,
                                    settings.upstreamTimeout(),
                                    settings.version(),
                                    json,
                                    changed,
                                    toolsListed,
                                    null,
                                    null,
                                    OutsideCalls.shared(asks, name)));
                } else if (upstream.credential() == null
                        && upstream instanceof dev.mandate.gateway.UpstreamConfig.Stdio s
                        && s.clientRequests()) {
                    upstreams.put(
                            name,
                            new MandateProcesses(
                                    s,
                                    settings.upstreamTimeout(),
                                    settings.version(),
                                    json,
                                    changed,
                                    toolsListed,
                                    mandateId -> OutsideCalls.ofMandate(asks, name, mandateId, streams)));
                } else if (upstream.credential() == null) {
                    upstreams.put(
                            name,
                            new SdkUpstream(
                                    upstream,
                                    settings.upstreamTimeout(),
                                    settings.version(),
                                    json,
                                    changed,
                                    toolsListed,
                                    Map.of(),
                                    null,
                                    false,
                                    OutsideCalls.shared(asks, name)));
                } else if (credentials == null) {
                    throw new dev.mandate.core.MandateException(
                            dev.mandate.core.ErrorCode.BAD_CONFIG,
                            "upstreams." + name + ".credential: the gateway has no lease manager to issue it;"
                                    + " configure credentials.backends or remove the credential");
                } else {
                    upstreams.put(
                            name,
                            new MandateUpstreams(
                                    upstream,
                                    credentials,
                                    settings.upstreamTimeout(),
                                    settings.version(),
                                    json,
                                    changed,
                                    toolsListed,
                                    mandateId -> OutsideCalls.ofMandate(asks, name, mandateId, streams)));
                }
            });
            return new Relay(upstreams, config.catalog(), pipeline, json, settings.version(), routes);
        }
    }
}

package dev.mandate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.Decision;
import dev.mandate.gateway.GatewayConfig;
import dev.mandate.gateway.GatewaySettings;
import dev.mandate.gateway.McpGateway;
import io.javalin.Javalin;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;

/**
 * Load driver for the MCP gateway: one in-process upstream (the MCP Java SDK server over Streamable HTTP on Jetty,
 * one {@code echo} tool) called directly and through the gateway in the same run, over loopback, with the same raw
 * HTTP client. It reports the latency the gateway adds at a fixed arrival rate (open loop: latency counts from the
 * scheduled start, so a stall is not hidden), the most {@code tools/call} per second with many concurrent clients,
 * and the heap that open agent sessions take. The decider allows everything and the audit sink only counts, so the
 * figures are the gateway's own cost (transport, session, relay, pipeline), not policy or storage.
 *
 * <p>Run (after {@code ./mvnw -B -q package -DskipTests}): {@code java -cp bench/target/benchmarks.jar
 * dev.mandate.bench.GatewayLoad [rate] [seconds] [concurrency] [sessions] [sdk|lean]}; {@code lean} puts a minimal
 * JSON-RPC echo server upstream instead of the SDK's, so that the upstream's own cost does not cap the figures.
 */
@SuppressWarnings("try") // Upstream.close() may throw InterruptedException from Jetty's stop; main propagates it
public final class GatewayLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bench-token";
    private static final java.util.concurrent.atomic.AtomicReference<@Nullable String> FIRST_FAILURE =
            new java.util.concurrent.atomic.AtomicReference<>();

    private GatewayLoad() {}

    /**
     * Runs the load.
     *
     * @param args optional: arrival rate per second (default 1,000, at most 20,000), seconds per phase (default 10, at
     *     most 600), concurrent clients for the throughput phase (default 32, at most 1,024), sessions for the heap
     *     phase (default 10,000, at most 100,000)
     * @throws Exception if a server cannot start or a call fails
     */
    public static void main(String[] args) throws Exception {
        int rate = arg(args, 0, 1_000, 20_000);
        int seconds = arg(args, 1, 10, 600);
        int concurrency = arg(args, 2, 32, 1_024);
        int sessions = arg(args, 3, 10_000, 100_000);
        AtomicLong audited = new AtomicLong();
        try (EchoServer upstream = echoServer(args, 4)) {
            McpGateway gateway = McpGateway.builder()
                    .settings(new GatewaySettings(
                            List.of(), sessions + 1_000, Duration.ofHours(1), 1 << 20, Duration.ofSeconds(30), "bench"))
                    .config(GatewayConfig.fromTree(
                            JSON.readTree("{\"upstreams\":{\"up\":{\"url\":\"" + upstream.url()
                                    + "\"}},\"catalog\":{\"tools\":{\"up\":{\"echo\":{\"labels\":\"public\"}}}}}"),
                            "bench"))
                    .authenticator(request -> {
                        if (!("Bearer " + TOKEN).equals(request.header("Authorization"))) {
                            throw new MandateException(ErrorCode.UNAUTHENTICATED, "not the bench token");
                        }
                        return new CallerContext("spiffe://bench/agent", "m-bench", FlowState.root(FlowLabels.NONE));
                    })
                    .decider(request -> new Decision.Allow(List.of()))
                    .audit(entry -> audited.incrementAndGet())
                    .build();
            Javalin web = Javalin.create(cfg -> {
                        cfg.startup.showJavalinBanner = false;
                        cfg.concurrency.useVirtualThreads = true;
                        gateway.register(cfg.routes);
                    })
                    .start("127.0.0.1", 0);
            try {
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .build();
                Target direct = new Target("direct", upstream.url(), "echo", http);
                Target through =
                        new Target("gateway", URI.create("http://127.0.0.1:" + web.port() + "/mcp"), "up.echo", http);
                System.out.printf(
                        "JDK %s, %d cores, upstream: %s%n",
                        Runtime.version(), Runtime.getRuntime().availableProcessors(), upstream.kind());
                System.out.println("warming up ...");
                for (int i = 0; i < 2; i++) {
                    paced(direct, rate, Math.min(3, seconds));
                    paced(through, rate, Math.min(3, seconds));
                }
                long[] d = paced(direct, rate, seconds);
                long[] g = paced(through, rate, seconds);
                System.out.printf(
                        "at %d calls/s for %d s: direct p50 %.3f ms p99 %.3f ms; through the gateway p50 %.3f ms"
                                + " p99 %.3f ms; added p50 %.3f ms, p99 %.3f ms%n",
                        rate,
                        seconds,
                        ms(d, 0.50),
                        ms(d, 0.99),
                        ms(g, 0.50),
                        ms(g, 0.99),
                        ms(g, 0.50) - ms(d, 0.50),
                        ms(g, 0.99) - ms(d, 0.99));
                int calls = Math.max(rate * seconds, 10_000);
                double directMax = closed(direct, calls, concurrency);
                double gatewayMax = closed(through, calls, concurrency);
                System.out.printf(
                        "max with %d clients, %d calls: direct %.0f calls/s, through the gateway %.0f calls/s%n",
                        concurrency, calls, directMax, gatewayMax);
                heap(through, gateway, sessions, concurrency);
                System.out.printf("audit events counted: %d%n", audited.get());
            } finally {
                gateway.close();
                web.stop();
            }
        }
    }

    private static int arg(String[] args, int index, int fallback, int max) {
        int value = args.length > index ? Integer.parseInt(args[index]) : fallback;
        if (value < 1 || value > max) {
            throw new IllegalArgumentException("argument " + (index + 1) + " must be 1-" + max + ", got " + value);
        }
        return value;
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
    }

    /**
     * The most calls of the open loop in flight at once. Past a target's capacity the calls that wait for their turn
     * wait here, still timed from their scheduled start, instead of each opening one more connection: the driver's HTTP
     * client has no connection limit, and one connection per waiting call used to reach the machine's open-file limit.
     */
    static final int MAX_IN_FLIGHT = 1_024;

    /** Open loop: calls start on a fixed schedule; each latency counts from its scheduled start. */
    private static long[] paced(Target target, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        int clients = 64;
        List<Session> pool = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            pool.add(target.open());
        }
        long[] latencies = new long[n];
        AtomicInteger failures = new AtomicInteger();
        long interval = 1_000_000_000L / rate;
        long begin = System.nanoTime() + 10_000_000L;
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long scheduled = begin + i * interval;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                Session session = pool.get(i % clients);
                workers.execute(() -> {
                    inFlight.acquireUninterruptibly();
                    try {
                        if (!session.call()) {
                            failures.incrementAndGet();
                        }
                    } finally {
                        inFlight.release();
                    }
                    latencies[index] = System.nanoTime() - scheduled;
                });
            }
        }
        if (failures.get() > 0) {
            // Reported, not thrown: past its capacity a target times out, and that is a result too.
            System.out.printf(
                    "  %s: %d of %d calls failed (latency counted up to the failure)%n",
                    target.name, failures.get(), n);
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** Closed loop: each client calls again as soon as it has its answer. */
    private static double closed(Target target, int calls, int concurrency) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<Session> pool = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            pool.add(target.open());
        }
        long begin = System.nanoTime();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (Session session : pool) {
                done.add(workers.submit(() -> {
                    while (next.getAndIncrement() < calls) {
                        if (!session.call()) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " calls to " + target.name + " failed");
        }
        return calls / seconds;
    }

    private static void heap(Target target, McpGateway gateway, int sessions, int concurrency) throws Exception {
        int before = gateway.sessionCount();
        long used0 = usedAfterGc();
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService workers =
                Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().factory())) {
            for (int i = 0; i < concurrency; i++) {
                workers.execute(() -> {
                    while (next.getAndIncrement() < sessions) {
                        try {
                            target.open();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
        }
        long used1 = usedAfterGc();
        int opened = gateway.sessionCount() - before;
        System.out.printf(
                "heap: %d sessions opened (%d live) took %.1f MiB, %.0f bytes per session%n",
                opened, gateway.sessionCount(), (used1 - used0) / 1048576.0, (double) (used1 - used0) / opened);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** An MCP endpoint and the name of its echo tool. */
    private record Target(String name, URI url, String tool, HttpClient http) {
        Session open() throws Exception {
            HttpResponse<String> init = http.send(
                    request(
                            null,
                            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"load\","
                                    + "\"version\":\"1\"}}}"),
                    HttpResponse.BodyHandlers.ofString());
            String id = init.headers()
                    .firstValue("Mcp-Session-Id")
                    .orElseThrow(() -> new IllegalStateException(name + " opened no session: " + init.body()));
            http.send(
                    request(id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                    HttpResponse.BodyHandlers.discarding());
            return new Session(this, id);
        }

        HttpRequest request(@Nullable String session, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (session != null) {
                b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
            }
            return b.build();
        }
    }

    /** One open session of a target. */
    private record Session(Target target, String id) {
        boolean call() {
            try {
                HttpResponse<String> r = target.http.send(
                        target.request(
                                id,
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\""
                                        + target.tool + "\",\"arguments\":{\"text\":\"hello\"}}}"),
                        HttpResponse.BodyHandlers.ofString());
                boolean ok = r.statusCode() == 200 && r.body().contains("echo hello");
                if (!ok && FIRST_FAILURE.compareAndSet(null, r.statusCode() + " " + r.body())) {
                    System.err.println(target.name + " call failed: " + FIRST_FAILURE.get());
                }
                return ok;
            } catch (Exception e) {
                if (FIRST_FAILURE.compareAndSet(null, e.toString())) {
                    System.err.println(target.name + " call failed: " + e);
                }
                return false;
            }
        }
    }

    /** The upstream kind named by the fifth argument: {@code sdk} (default) or {@code lean}. */
    static EchoServer echoServer(String[] args, int index) throws Exception {
        String kind = args.length > index ? args[index] : "sdk";
        return switch (kind) {
            case "sdk" -> new Upstream();
            case "lean" -> new LeanUpstream();
            default -> throw new IllegalArgumentException("upstream kind must be sdk or lean, got '" + kind + "'");
        };
    }

    /** An in-process MCP server with one {@code echo} tool over Streamable HTTP at 127.0.0.1. */
    sealed interface EchoServer extends AutoCloseable permits Upstream, LeanUpstream {
        /** The MCP endpoint. */
        URI url();

        /** What it is, for the report. */
        String kind();
    }

    /** The upstream: the MCP Java SDK server with one echo tool, over Streamable HTTP on Jetty at 127.0.0.1. */
    static final class Upstream implements EchoServer {
        private final Server jetty = new Server();
        private final McpSyncServer server;
        private final ServerConnector connector;

        Upstream() throws Exception {
            HttpServletStreamableServerTransportProvider transport =
                    HttpServletStreamableServerTransportProvider.builder()
                            .mcpEndpoint("/mcp")
                            // No idle-session sweeper: the SDK runs it on a non-daemon Reactor scheduler that closing
                            // the server does not dispose, which kept the JVM alive after the figures were printed.
                            // The benchmark's sessions live as long as the run anyway.
                            .sessionSweepInterval(null)
                            .build();
            server = McpServer.sync(transport)
                    .serverInfo("up", "1.0")
                    .capabilities(
                            McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(McpServerFeatures.SyncToolSpecification.builder()
                            .tool(McpSchema.Tool.builder()
                                    .name("echo")
                                    .description("echoes text")
                                    .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}")
                                    .build())
                            .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                                    .addTextContent(
                                            "echo " + request.arguments().get("text"))
                                    .build())
                            .build())
                    .build();
            connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            ServletHolder holder = new ServletHolder(transport);
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/*");
            jetty.setHandler(context);
            jetty.start();
        }

        @Override
        public URI url() {
            return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
        }

        @Override
        public String kind() {
            return "the MCP Java SDK server";
        }

        @Override
        public void close() throws Exception {
            server.closeGracefully();
            jetty.stop();
        }
    }

    /**
     * A lean upstream: the least of MCP Streamable HTTP that the gateway needs (initialize with a session id,
     * notifications accepted with 202, {@code tools/list}, {@code tools/call} of {@code echo}, {@code ping}; JSON
     * answers, no GET stream) as one Jetty handler, so that a benchmark measures the gateway and not the SDK server.
     */
    static final class LeanUpstream implements EchoServer {
        private static final byte[] TOOLS = ("{\"tools\":[{\"name\":\"echo\",\"description\":\"echoes text\","
                        + "\"inputSchema\":{\"type\":\"object\"}}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        private final Server jetty = new Server();
        private final ServerConnector connector;

        LeanUpstream() throws Exception {
            connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            jetty.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
                @Override
                public boolean handle(
                        org.eclipse.jetty.server.Request request,
                        org.eclipse.jetty.server.Response response,
                        org.eclipse.jetty.util.Callback callback)
                        throws Exception {
                    if (!"POST".equals(request.getMethod())) {
                        response.setStatus(request.getMethod().equals("DELETE") ? 200 : 405);
                        callback.succeeded();
                        return true;
                    }
                    com.fasterxml.jackson.databind.JsonNode message;
                    try (java.io.InputStream in = org.eclipse.jetty.server.Request.asInputStream(request)) {
                        message = JSON.readTree(in);
                    }
                    com.fasterxml.jackson.databind.JsonNode id = message.get("id");
                    String method = message.path("method").asText("");
                    if (id == null) {
                        response.setStatus(202);
                        callback.succeeded();
                        return true;
                    }
                    com.fasterxml.jackson.databind.node.ObjectNode answer = JSON.createObjectNode();
                    answer.put("jsonrpc", "2.0").set("id", id);
                    switch (method) {
                        case "initialize" -> {
                            com.fasterxml.jackson.databind.node.ObjectNode result = answer.putObject("result");
                            result.put("protocolVersion", "2025-06-18");
                            result.putObject("capabilities").putObject("tools");
                            result.putObject("serverInfo").put("name", "lean").put("version", "1");
                            response.getHeaders()
                                    .put(
                                            "Mcp-Session-Id",
                                            java.util.UUID.randomUUID().toString());
                        }
                        case "tools/list" -> answer.set("result", JSON.readTree(TOOLS));
                        case "tools/call" ->
                            answer.putObject("result")
                                    .putArray("content")
                                    .addObject()
                                    .put("type", "text")
                                    .put(
                                            "text",
                                            "echo "
                                                    + message.path("params")
                                                            .path("arguments")
                                                            .path("text")
                                                            .asText());
                        case "ping" -> answer.putObject("result");
                        default ->
                            answer.putObject("error").put("code", -32601).put("message", "Method not found: " + method);
                    }
                    response.setStatus(200);
                    response.getHeaders().put("Content-Type", "application/json");
                    response.write(true, java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(answer)), callback);
                    return true;
                }
            });
            jetty.start();
        }

        @Override
        public URI url() {
            return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
        }

        @Override
        public String kind() {
            return "a lean JSON-RPC echo server (one Jetty handler)";
        }

        @Override
        public void close() throws Exception {
            jetty.stop();
        }
    }
}

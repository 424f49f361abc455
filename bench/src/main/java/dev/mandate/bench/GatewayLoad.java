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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

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
 * JSON-RPC echo server upstream instead of the SDK's, so that the upstream's own cost does not cap the figures. The
 * driver is {@link McpLoadClient}: raw keep-alive sockets on platform threads by default, {@code -Dclient=jdk} for
 * the JDK's {@code HttpClient}; it prints its own share of the process's CPU time per phase.
 */
@SuppressWarnings("try") // Upstream.close() may throw InterruptedException from Jetty's stop; main propagates it
public final class GatewayLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bench-token";

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
                McpLoadClient client = McpLoadClient.fromSystemProperty();
                Target direct = new Target("direct", upstream.url(), "echo", client);
                Target through =
                        new Target("gateway", URI.create("http://127.0.0.1:" + web.port() + "/mcp"), "up.echo", client);
                System.out.printf(
                        "JDK %s, %d cores, upstream: %s, driver: %s client%n",
                        Runtime.version(), Runtime.getRuntime().availableProcessors(), upstream.kind(), client.kind());
                System.out.println("warming up ...");
                for (int i = 0; i < 2; i++) {
                    paced(direct, rate, Math.min(3, seconds));
                    paced(through, rate, Math.min(3, seconds));
                }
                LoadDriver.Result d = paced(direct, rate, seconds);
                LoadDriver.Result g = paced(through, rate, seconds);
                long[] dl = sorted(d);
                long[] gl = sorted(g);
                System.out.printf(
                        "at %d calls/s for %d s: direct p50 %.3f ms p99 %.3f ms; through the gateway p50 %.3f ms"
                                + " p99 %.3f ms; added p50 %.3f ms, p99 %.3f ms%n",
                        rate,
                        seconds,
                        ms(dl, 0.50),
                        ms(dl, 0.99),
                        ms(gl, 0.50),
                        ms(gl, 0.99),
                        ms(gl, 0.50) - ms(dl, 0.50),
                        ms(gl, 0.99) - ms(dl, 0.99));
                cpu("open loop, direct", d);
                cpu("open loop, through the gateway", g);
                int calls = Math.max(rate * seconds, 10_000);
                LoadDriver.Result dm = closed(direct, calls, concurrency);
                LoadDriver.Result gm = closed(through, calls, concurrency);
                System.out.printf(
                        "max with %d clients, %d calls: direct %.0f calls/s, through the gateway %.0f calls/s%n",
                        concurrency, calls, calls / dm.seconds(), calls / gm.seconds());
                cpu("closed loop, direct", dm);
                cpu("closed loop, through the gateway", gm);
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

    private static long[] sorted(LoadDriver.Result r) {
        long[] copy = r.latencies().clone();
        Arrays.sort(copy);
        return copy;
    }

    private static void cpu(String phase, LoadDriver.Result r) {
        System.out.printf(
                "  %s: driver threads %.1f %% of the process's CPU (%.0f of %.0f µs per call)%n",
                phase,
                r.driverShare(),
                r.driverCpuNanos() / 1e3 / r.latencies().length,
                r.processCpuNanos() / 1e3 / r.latencies().length);
    }

    /** Connections (and sessions) of the open loop: at 1,000 calls/s a call rarely waits for a free one. */
    static final int OPEN_LOOP_CONNECTIONS = 64;

    /** Open loop: calls start on a fixed schedule; each latency counts from its scheduled start. */
    private static LoadDriver.Result paced(Target target, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        Opened opened = Opened.open(target, OPEN_LOOP_CONNECTIONS);
        try {
            LoadDriver.Result r = LoadDriver.openLoop(OPEN_LOOP_CONNECTIONS, n, rate, opened::call);
            if (r.failures() > 0) {
                // Reported, not thrown: past its capacity a target times out, and that is a result too.
                System.out.printf(
                        "  %s: %d of %d calls failed (latency counted up to the failure), first: %s%n",
                        target.name, r.failures(), n, r.firstFailure());
            }
            return r;
        } finally {
            opened.close();
        }
    }

    /** Closed loop: each client calls again as soon as it has its answer. */
    private static LoadDriver.Result closed(Target target, int calls, int concurrency) throws Exception {
        Opened opened = Opened.open(target, concurrency);
        try {
            LoadDriver.Result r = LoadDriver.closedLoop(concurrency, calls, opened::call);
            if (r.failures() > 0) {
                throw new IllegalStateException(
                        r.failures() + " calls to " + target.name + " failed, first: " + r.firstFailure());
            }
            return r;
        } finally {
            opened.close();
        }
    }

    private static void heap(Target target, McpGateway gateway, int sessions, int concurrency) throws Exception {
        int before = gateway.sessionCount();
        long used0 = usedAfterGc();
        Opened opened = Opened.open(target, concurrency);
        try {
            LoadDriver.Result r = LoadDriver.closedLoop(
                    concurrency,
                    sessions,
                    (worker, index) -> opened.connections.get(worker).initialize());
            if (r.failures() > 0) {
                throw new IllegalStateException(r.failures() + " sessions failed to open, first: " + r.firstFailure());
            }
        } finally {
            opened.close();
        }
        long used1 = usedAfterGc();
        int opened1 = gateway.sessionCount() - before;
        System.out.printf(
                "heap: %d sessions opened (%d live) took %.1f MiB, %.0f bytes per session%n",
                opened1, gateway.sessionCount(), (used1 - used0) / 1048576.0, (double) (used1 - used0) / opened1);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** An MCP endpoint, the name of its echo tool, and the client that calls it. */
    private record Target(String name, URI url, String tool, McpLoadClient client) {}

    /** Connections to a target, each with one open session, all opened before a phase is timed. */
    private record Opened(Target target, List<McpLoadClient.Connection> connections, List<String> sessions) {
        static Opened open(Target target, int count) throws Exception {
            List<McpLoadClient.Connection> connections = new ArrayList<>(count);
            List<String> sessions = new ArrayList<>(count);
            Opened opened = new Opened(target, connections, sessions);
            try {
                for (int i = 0; i < count; i++) {
                    McpLoadClient.Connection c = target.client.connect(target.url, TOKEN);
                    connections.add(c);
                    sessions.add(c.initialize());
                }
            } catch (Exception e) {
                opened.close();
                throw e;
            }
            return opened;
        }

        void call(int worker, int index) throws Exception {
            connections.get(worker).echo(sessions.get(worker), target.tool, "hello");
        }

        void close() {
            connections.forEach(McpLoadClient.Connection::close);
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

package dev.mandate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.MandateNode;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * Load driver for the MCP gateway as a node runs it: the same upstream tool called directly and through a whole
 * Mandate node (mandate token, liveness, Cedar decision, flow labels, durable hash-chained audit) in one run on
 * loopback, so the added latency and the throughput are measured side by side on the same machine state. {@link
 * GatewayLoad} measures the gateway alone (allow-all decider, counting audit); the difference is the price of policy
 * and evidence.
 *
 * <p>The upstream is an MCP Java SDK server (Streamable HTTP on Jetty) with one {@code echo} tool. The node runs in
 * this process on a fresh data directory with a policy that permits the call. Three phases:
 *
 * <ol>
 *   <li>open loop at a fixed rate (default 1,000 calls/s), alternating direct and gateway calls, latency measured
 *       from each call's scheduled start so that a stall counts against the system, not the driver;
 *   <li>closed loop from many clients, for the most {@code tools/call} per second through the gateway;
 *   <li>many agent sessions held open at once, with the heap they take after a full GC.
 * </ol>
 *
 * <p>Run (after {@code ./mvnw -B -q package -DskipTests}): {@code java -Xmx2g -cp bench/target/benchmarks.jar
 * dev.mandate.bench.NodeGatewayLoad [rate] [seconds] [clients] [sessions] [sdk|lean]}; the driver is {@link
 * McpLoadClient} (raw keep-alive sockets, or {@code -Dclient=jdk}), which prints its share of the process's CPU.
 */
public final class NodeGatewayLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RATE = 100_000;
    private static final int MAX_SECONDS = 600;
    private static final int MAX_CLIENTS = 1_024;
    private static final int MAX_SESSIONS = 100_000;

    /** For the node's admin API only; the load goes through {@link McpLoadClient}. */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            // Daemon threads: the JVM ends when main does.
            .executor(
                    Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().factory()))
            .build();

    private NodeGatewayLoad() {}

    /**
     * Runs the three phases and prints their figures.
     *
     * @param args optional: open-loop rate per second (1,000), seconds per open-loop side (10), closed-loop clients
     *     (32), sessions to hold (10,000), the upstream: {@code sdk} (the SDK server, default) or {@code lean} (a minimal
     *     JSON-RPC echo server)
     * @throws Exception if the node or the upstream cannot start or a call fails
     */
    public static void main(String[] args) throws Exception {
        int rate = arg(args, 0, 1_000, MAX_RATE, "rate");
        int seconds = arg(args, 1, 10, MAX_SECONDS, "seconds");
        int clients = arg(args, 2, 32, MAX_CLIENTS, "clients");
        int sessions = arg(args, 3, 10_000, MAX_SESSIONS, "sessions");
        new NodeGatewayLoad().run(rate, seconds, clients, sessions, args);
    }

    private static int arg(String[] args, int i, int fallback, int max, String name) {
        if (args.length <= i) {
            return fallback;
        }
        int v = Integer.parseInt(args[i]);
        if (v < 1 || v > max) {
            throw new IllegalArgumentException(name + " must be 1-" + max + ", got " + v);
        }
        return v;
    }

    @SuppressWarnings("try") // GatewayLoad.EchoServer.close() may throw InterruptedException from Jetty's stop
    private void run(int rate, int seconds, int clients, int sessions, String[] args) throws Exception {
        Path data = Files.createTempDirectory("mandate-gateway-load");
        try (GatewayLoad.EchoServer upstream = GatewayLoad.echoServer(args, 4);
                MandateNode node = startNode(data, upstream.url(), sessions)) {
            String base = "http://127.0.0.1:" + node.port();
            String token = mandateToken(
                    base, Files.readString(data.resolve("admin.token")).strip());
            McpLoadClient client = McpLoadClient.fromSystemProperty();
            Side direct = new Side(upstream.url(), null, "echo", client);
            Side gateway = new Side(URI.create(base + "/mcp"), token, "bench.echo", client);
            System.out.printf(Locale.ROOT, "driver: %s client%n", client.kind());

            System.out.println("warming up ...");
            closedLoop(direct, 4, 3_000);
            closedLoop(gateway, 4, 3_000);

            System.out.printf(Locale.ROOT, "open loop: %,d calls/s for %d s each, alternating%n", rate, seconds);
            double[][] lat = openLoop(direct, gateway, rate, seconds);
            report("direct ", lat[0]);
            report("gateway", lat[1]);
            System.out.printf(
                    Locale.ROOT,
                    "added by the gateway: p50 %.3f ms, p99 %.3f ms%n",
                    pct(lat[1], 50) - pct(lat[0], 50),
                    pct(lat[1], 99) - pct(lat[0], 99));

            int total = Math.max(5_000, rate * seconds);
            double directRate = closedLoop(direct, clients, total);
            double gatewayRate = closedLoop(gateway, clients, total);
            System.out.printf(
                    Locale.ROOT,
                    "closed loop, %d clients, %,d calls each side: direct %,.0f calls/s, gateway %,.0f calls/s%n",
                    clients,
                    total,
                    directRate,
                    gatewayRate);

            long before = heapAfterGc();
            List<String> held = new ArrayList<>(sessions);
            try (McpLoadClient.Connection c = client.connect(gateway.url(), token)) {
                for (int i = 0; i < sessions; i++) {
                    held.add(c.initialize());
                    if ((i + 1) % 2_000 == 0) {
                        System.out.printf(Locale.ROOT, "  %,d sessions open%n", i + 1);
                    }
                }
                long after = heapAfterGc();
                System.out.printf(
                        Locale.ROOT,
                        "%,d gateway sessions held: heap %,d MB -> %,d MB (%,d KB per session)%n",
                        held.size(),
                        before >> 20,
                        after >> 20,
                        (after - before) / 1024 / held.size());
                c.echo(held.get(0), gateway.tool(), "hello 0");
            }
        }
    }

    private static MandateNode startNode(Path data, URI upstream, int sessions) throws Exception {
        Path policies = Files.createDirectories(data.resolve("policies"));
        Files.writeString(policies.resolve("bench.cedar"), "permit(principal, action, resource);\n");
        Path gateway = data.resolve("gateway.yaml");
        Files.writeString(gateway, """
                upstreams:
                  bench: { url: "%s" }
                catalog:
                  tools:
                    bench:
                      echo: { labels: "public" }
                """.formatted(upstream));
        return MandateNode.start(ConfigLoader.load(
                null,
                Map.of(),
                Map.of(
                        ConfigKey.LISTEN, "127.0.0.1:0",
                        ConfigKey.DATA_DIR, data.toString(),
                        ConfigKey.GATEWAY_CONFIG, gateway.toString(),
                        ConfigKey.GATEWAY_MAX_SESSIONS, String.valueOf(sessions + 100),
                        ConfigKey.MANDATE_DEFAULT_CALL_BUDGET, "1000000")));
    }

    private String mandateToken(String base, String admin) throws Exception {
        post(base + "/v1/agents", admin, """
                {"name":"bench-agent","owner":"team-bench","tier":"copilot","purposes":["bench"]}""");
        JsonNode token = JSON.readTree(post(base + "/v1/tokens", admin, """
                {"agent":"bench-agent","purpose":"bench","tools":["bench.echo"],"ttl":"3600"}"""));
        return token.get("access_token").asText();
    }

    private String post(String url, String admin, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + admin)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** One side of the comparison: an MCP endpoint, the caller's token, the echo tool's name there. */
    private record Side(URI url, @Nullable String token, String tool, McpLoadClient client) {}

    /** One connection per worker per side, each with its session, opened before the clock starts. */
    private record Opened(Side side, List<McpLoadClient.Connection> connections, List<String> sessions)
            implements AutoCloseable {
        static Opened open(Side side, int count) throws Exception {
            Opened opened = new Opened(side, new ArrayList<>(count), new ArrayList<>(count));
            try {
                for (int i = 0; i < count; i++) {
                    McpLoadClient.Connection c = side.client().connect(side.url(), side.token());
                    opened.connections.add(c);
                    opened.sessions.add(c.initialize());
                }
            } catch (Exception e) {
                opened.close();
                throw e;
            }
            return opened;
        }

        void call(int worker, int n) throws Exception {
            connections.get(worker).echo(sessions.get(worker), side.tool(), "hello " + n);
        }

        @Override
        public void close() {
            connections.forEach(McpLoadClient.Connection::close);
        }
    }

    /** Workers of the open loop per side (each with a connection): enough that a call rarely waits for one. */
    private static final int OPEN_LOOP_WORKERS = 64;

    private static double[][] openLoop(Side direct, Side gateway, int rate, int seconds) throws Exception {
        int calls = rate * seconds;
        try (Opened d = Opened.open(direct, OPEN_LOOP_WORKERS);
                Opened g = Opened.open(gateway, OPEN_LOOP_WORKERS)) {
            // Alternate the two sides call by call so that both see the same machine state; each side gets `rate`
            // calls/s, so the calls of both together are due at twice that.
            // Two lanes with their own workers: a gateway past its capacity does not hold up the direct calls.
            LoadDriver.Result r = LoadDriver.openLoop(OPEN_LOOP_WORKERS, 2, 2 * calls, 2 * rate, (worker, i) -> {
                if (i % 2 == 0) {
                    d.call(worker, i);
                } else {
                    g.call(worker, i);
                }
            });
            if (r.failures() > 0) {
                throw new IllegalStateException(
                        r.failures() + " of " + 2 * calls + " open-loop calls failed, first: " + r.firstFailure());
            }
            driverCpu("open loop, both sides", r);
            long[][] nanos = new long[2][calls];
            for (int i = 0; i < 2 * calls; i++) {
                nanos[i % 2][i / 2] = r.latencies()[i];
            }
            return new double[][] {millis(nanos[0]), millis(nanos[1])};
        }
    }

    private static double closedLoop(Side side, int clients, int total) throws Exception {
        try (Opened opened = Opened.open(side, clients)) {
            LoadDriver.Result r = LoadDriver.closedLoop(clients, total, opened::call);
            if (r.failures() > 0) {
                throw new IllegalStateException(
                        r.failures() + " calls to " + side.url() + " failed, first: " + r.firstFailure());
            }
            driverCpu("closed loop, " + side.url(), r);
            return total / r.seconds();
        }
    }

    private static void driverCpu(String phase, LoadDriver.Result r) {
        System.out.printf(
                Locale.ROOT,
                "  %s: driver threads %.1f %% of the process's CPU (%.0f of %.0f µs per call)%n",
                phase,
                r.driverShare(),
                r.driverCpuNanos() / 1e3 / r.latencies().length,
                r.processCpuNanos() / 1e3 / r.latencies().length);
    }

    private static double[] millis(long[] nanos) {
        double[] ms = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            ms[i] = nanos[i] / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static void report(String side, double[] ms) {
        System.out.printf(
                Locale.ROOT,
                "%s: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms (%,d calls)%n",
                side,
                pct(ms, 50),
                pct(ms, 90),
                pct(ms, 99),
                ms[ms.length - 1],
                ms.length);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

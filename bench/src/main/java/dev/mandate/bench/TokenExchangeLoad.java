package dev.mandate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Load driver: OAuth token exchanges (RFC 8693, JWT-SVID → mandate token) end to end over HTTP on loopback against a
 * real {@code mandate serve} process on the embedded store. It registers an agent, joins the embedded trust domain
 * for a JWT-SVID, then opens mandates from many concurrent clients and reports throughput and latency percentiles.
 * Every exchange opens a mandate: written to the store and recorded in the audit log before the answer.
 *
 * <p>Run (after {@code ./mvnw -B -q package -DskipTests}): {@code java -cp bench/target/benchmarks.jar
 * dev.mandate.bench.TokenExchangeLoad [requests] [concurrency]}; {@code -Dmandate.jar=<jar>} picks the node's jar and
 * {@code -Dclient=jdk} the JDK's HttpClient instead of the default lean keep-alive HTTP/1.1 client ({@code raw}).
 * Besides throughput and latency it reports the CPU time the node and the driver spent per exchange while measuring,
 * which a busy machine disturbs far less than throughput. It stops the node it started and deletes nothing
 * outside its temporary data directory.
 */
public final class TokenExchangeLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final int MAX_REQUESTS = 1_000_000;
    private static final int MAX_CONCURRENCY = 1_024;
    private static final String CLIENT = System.getProperty("client", "raw");

    private TokenExchangeLoad() {}

    /**
     * Runs the load.
     *
     * @param args optional: total exchanges (default 20,000, at most 1,000,000) and concurrent clients (default 32,
     *     at most 1,024)
     * @throws Exception if the node cannot be started or answers wrongly
     */
    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        if (requests < 1 || requests > MAX_REQUESTS || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("requests must be 1-" + MAX_REQUESTS + " and concurrency 1-"
                    + MAX_CONCURRENCY + ", got " + requests + " and " + concurrency);
        }
        Path jar = Path.of(System.getProperty("mandate.jar", "app/target/mandate.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(
                    jar + " does not exist: build it first (./mvnw -B -q package -DskipTests)"
                            + " or pass -Dmandate.jar=<path>");
        }
        Path dataDir = Files.createTempDirectory("mandate-load");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process node = new ProcessBuilder(
                        java.toString(),
                        "-jar",
                        jar.toString(),
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--data-dir",
                        dataDir.toString())
                .redirectErrorStream(true)
                .start();
        try {
            int port = awaitPort(node);
            String base = "http://127.0.0.1:" + port;
            String admin = Files.readString(dataDir.resolve("admin.token")).strip();
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
            call(
                    http,
                    base + "/v1/agents",
                    admin,
                    Map.of("name", "load", "owner", "team-load", "tier", "copilot", "purposes", List.of("load")));
            String join = call(http, base + "/v1/agents/load/join-tokens", admin, Map.of())
                    .get("token")
                    .asText();
            String svid = call(
                            http,
                            base + "/v1/svid",
                            null,
                            Map.of("joinToken", join, "csr", csr(), "audience", List.of(base)))
                    .get("jwtSvid")
                    .asText();
            String form = form(Map.of(
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                    "subject_token",
                    svid,
                    "subject_token_type",
                    "urn:ietf:params:oauth:token-type:jwt",
                    "authorization_details",
                    "[{\"type\":\"mandate\",\"purpose\":\"load\",\"tools\":[\"crm.read\"],\"ttl\":300}]"));
            HttpRequest exchange = HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build();
            Client client = switch (CLIENT) {
                case "jdk" -> new JdkClient(http, exchange);
                case "raw" -> new RawClient(URI.create(base + "/oauth2/token"), form);
                default -> throw new IllegalArgumentException("-Dclient must be raw or jdk, got " + CLIENT);
            };
            int warmup = Math.min(2_000, requests);
            System.out.printf("warming up with %d exchanges (%s client) ...%n", warmup, CLIENT);
            run(client, warmup, concurrency);
            System.out.printf("measuring %d exchanges from %d concurrent clients ...%n", requests, concurrency);
            long nodeCpu = cpuNanos(node.toHandle());
            long driverCpu = cpuNanos(ProcessHandle.current());
            long begin = System.nanoTime();
            long[] latencies = run(client, requests, concurrency);
            double seconds = (System.nanoTime() - begin) / 1e9;
            nodeCpu = cpuNanos(node.toHandle()) - nodeCpu;
            driverCpu = cpuNanos(ProcessHandle.current()) - driverCpu;
            Arrays.sort(latencies);
            System.out.printf(
                    "%d exchanges in %.2f s: %.0f mandates/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                            + " CPU per exchange: node %.0f µs, driver %.0f µs%n",
                    requests,
                    seconds,
                    requests / seconds,
                    latencies[latencies.length / 2] / 1e6,
                    latencies[(int) (latencies.length * 0.99)] / 1e6,
                    latencies[latencies.length - 1] / 1e6,
                    nodeCpu / 1e3 / requests,
                    driverCpu / 1e3 / requests);
        } finally {
            node.destroy();
            node.waitFor();
        }
    }

    private static long[] run(Client client, int requests, int concurrency) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                running.add(clients.submit(() -> {
                    try (Client.Connection connection = client.connect()) {
                        for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                            long t = System.nanoTime();
                            String failure = connection.exchange();
                            latencies[i] = System.nanoTime() - t;
                            if (failure != null && failures.getAndIncrement() == 0) {
                                System.out.println("exchange failed: " + failure);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + requests + " exchanges failed");
        }
        return latencies;
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info()
                .totalCpuDuration()
                .orElseThrow(
                        () -> new IllegalStateException("the CPU time of process " + process.pid() + " is unknown"))
                .toNanos();
    }

    /** Opens connections that each send the same token exchange, one at a time. */
    private interface Client {
        Connection connect() throws IOException;

        /** One client's connection. */
        interface Connection extends AutoCloseable {
            /** Sends one exchange and reads the whole answer; returns null for a granted mandate, else why not. */
            @Nullable
            String exchange() throws IOException, InterruptedException;

            @Override
            void close() throws IOException;
        }
    }

    /** The JDK's HttpClient (HTTP/1.1 and 2, pooled connections): what the figures before December 2026 used. */
    private record JdkClient(HttpClient http, HttpRequest request) implements Client {
        @Override
        public Connection connect() {
            return new Connection() {
                @Override
                public @Nullable String exchange() throws IOException, InterruptedException {
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    return granted(r.statusCode(), r.body());
                }

                @Override
                public void close() {}
            };
        }
    }

    /**
     * A lean HTTP/1.1 client ({@link KeepAliveHttp}): one keep-alive socket per client, the request bytes encoded
     * once. It spends far less of the two shared cores than the JDK client, so more of them go to the node; every
     * answer is still read whole and checked.
     */
    private static final class RawClient implements Client {
        private final URI url;
        private final byte[] request;

        RawClient(URI url, String form) {
            this.url = url;
            this.request = KeepAliveHttp.post(url, List.of("Content-Type: application/x-www-form-urlencoded"), form);
        }

        @Override
        public Connection connect() throws IOException {
            KeepAliveHttp http = KeepAliveHttp.open(url);
            return new Connection() {
                @Override
                public @Nullable String exchange() throws IOException {
                    KeepAliveHttp.Answer a = http.exchange(request);
                    return granted(a.status(), a.body());
                }

                @Override
                public void close() {
                    http.close();
                }
            };
        }
    }

    /** Null if the answer grants a mandate (200 with a token and a mandate id), else what was wrong. */
    private static @Nullable String granted(int status, String body) {
        if (status != 200 || !body.contains("\"access_token\":\"") || !body.contains("\"mandate_id\":\"mdt_")) {
            return status + " " + body;
        }
        return null;
    }

    private static int awaitPort(Process node) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // Keep the node's output pipe from filling up.
                        }
                    } catch (IOException e) {
                        // The node stopped.
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IllegalStateException("mandate serve exited before listening:\n" + seen);
    }

    private static JsonNode call(HttpClient http, String url, @Nullable String token, Map<String, Object> body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static String form(Map<String, String> params) {
        StringBuilder s = new StringBuilder();
        params.forEach((k, v) -> s.append(s.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return s.toString();
    }

    private static String csr() throws Exception {
        KeyPair pair = new ECKeyGenerator(Curve.P_256).generate().toKeyPair();
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=agent"), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(request);
        }
        return pem.toString();
    }
}

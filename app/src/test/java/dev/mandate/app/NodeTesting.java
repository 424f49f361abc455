package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.config.Config;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Starts a node on 127.0.0.1 port 0 and calls it over real HTTP, for the app's route tests. */
final class NodeTesting {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One HTTP answer: status and JSON body (an empty object when the body is empty or not JSON). */
    record Answer(int status, JsonNode body, String raw) {}

    private NodeTesting() {}

    static Config config(Path dataDir, Map<ConfigKey, String> extra) {
        Map<ConfigKey, String> flags = new java.util.EnumMap<>(ConfigKey.class);
        flags.put(ConfigKey.LISTEN, "127.0.0.1:0");
        flags.put(ConfigKey.DATA_DIR, dataDir.toString());
        flags.putAll(extra);
        return ConfigLoader.load(null, Map.of(), flags);
    }

    /** Runs the {@code mandate} CLI in process with its output and errors captured. */
    static int cli(java.io.StringWriter out, java.io.StringWriter err, String... args) {
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Runs a {@code mandate} CLI command against a node, with its URL and admin token file added. */
    static int cliAgainst(MandateNode node, java.io.StringWriter out, java.io.StringWriter err, String... args) {
        String[] full = java.util.Arrays.copyOf(args, args.length + 4);
        full[args.length] = "--server";
        full[args.length + 1] = "http://127.0.0.1:" + node.port();
        full[args.length + 2] = "--token-file";
        full[args.length + 3] = node.dataDir().resolve("admin.token").toString();
        return cli(out, err, full);
    }

    static String adminToken(MandateNode node) throws IOException {
        return Files.readString(node.dataDir().resolve("admin.token")).strip();
    }

    static Answer call(MandateNode node, String method, String path, @Nullable Object body, @Nullable String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(
                    method,
                    HttpRequest.BodyPublishers.ofString(
                            body instanceof String text ? text : JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        return new Answer(r.statusCode(), json, r.body());
    }

    static Answer admin(MandateNode node, String method, String path, @Nullable Object body)
            throws IOException, InterruptedException {
        return call(node, method, path, body, adminToken(node));
    }

    /**
     * Registers agent {@code name} of {@code owner} at {@code tier}, allowed one purpose, and fails the test unless the
     * node answers 201.
     */
    static void registerAgent(MandateNode node, String name, String owner, String tier, String purpose)
            throws IOException, InterruptedException {
        Answer a = admin(
                node,
                "POST",
                "/v1/agents",
                Map.of("name", name, "owner", owner, "tier", tier, "purposes", java.util.List.of(purpose)));
        if (a.status() != 201) {
            throw new AssertionError("registering " + name + ": " + a.raw());
        }
    }

    /**
     * An MCP client (not yet initialized) to the node's gateway at {@code /mcp} over plain HTTP, sending {@code token}
     * as bearer on every request.
     */
    static io.modelcontextprotocol.client.McpSyncClient mcpClient(
            MandateNode node, String token, Duration requestTimeout) {
        return io.modelcontextprotocol.client.McpClient.sync(
                        io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport.builder(
                                        "http://127.0.0.1:" + node.port())
                                .endpoint("/mcp")
                                .httpRequestCustomizer(
                                        (b, method, uri, body, context) -> b.header("Authorization", "Bearer " + token))
                                .build())
                .requestTimeout(requestTimeout)
                .build();
    }

    /**
     * Joins {@code agent} through the public flow: a join token from the admin API, then its SVIDs for a CSR of
     * {@code keys} (the node takes only the public key from it); fails the test unless both succeed.
     *
     * @return the answer of {@code /v1/svid}: {@code spiffeId}, {@code jwtSvid} (for {@code audience}), {@code x509Svid}
     */
    static JsonNode joinSvids(
            MandateNode node, String agent, java.security.KeyPair keys, java.util.List<String> audience)
            throws Exception {
        Answer join = admin(node, "POST", "/v1/agents/" + agent + "/join-tokens", null);
        if (join.status() != 201) {
            throw new AssertionError("a join token for " + agent + ": " + join.raw());
        }
        java.io.StringWriter csr = new java.io.StringWriter();
        try (org.bouncycastle.openssl.jcajce.JcaPEMWriter w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(csr)) {
            w.writeObject(new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                            new org.bouncycastle.asn1.x500.X500Name("CN=" + agent), keys.getPublic())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                            .build(keys.getPrivate())));
        }
        Answer svid = call(
                node,
                "POST",
                "/v1/svid",
                Map.of("joinToken", join.body().get("token").asText(), "csr", csr.toString(), "audience", audience),
                null);
        if (svid.status() != 200) {
            throw new AssertionError("the SVIDs of " + agent + ": " + svid.raw());
        }
        return svid.body();
    }
}

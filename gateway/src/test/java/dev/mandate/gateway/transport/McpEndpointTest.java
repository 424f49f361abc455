package dev.mandate.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import dev.mandate.gateway.CallAuthenticator;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.GatewaySettings;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class McpEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INIT =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"%s\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    /** A clock tests move by hand. */
    static final class FakeClock implements InstantSource {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** Echoes params for "echo", refuses "deny". */
    static final class EchoHandler implements McpHandler {
        @Override
        public ObjectNode initialize(CallerContext caller, JsonNode params) {
            ObjectNode result = JSON.createObjectNode();
            result.putObject("capabilities").putObject("tools");
            return result;
        }

        @Override
        public JsonNode request(CallerContext caller, String method, JsonNode params) {
            if (method.equals("deny")) {
                throw new GatewayException(GatewayError.DENIED, "denied by test");
            }
            return params;
        }

        @Override
        public void notification(CallerContext caller, String method, JsonNode params) {}
    }

    private static final CallAuthenticator AUTH = request -> {
        String header = request.header("authorization");
        if (header == null || !header.startsWith("Bearer m")) {
            throw new MandateException(ErrorCode.UNAUTHENTICATED, "no mandate token");
        }
        return new CallerContext("agent", header.substring(7), FlowState.root(FlowLabels.NONE));
    };

    private final FakeClock clock = new FakeClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private McpEndpoint endpoint;
    private Javalin web;
    private String url;

    @BeforeEach
    void start() {
        endpoint = new McpEndpoint(
                new GatewaySettings(
                        List.of("https://console.example.com"),
                        2,
                        Duration.ofMinutes(10),
                        1024,
                        Duration.ofSeconds(5),
                        "test"),
                AUTH,
                new EchoHandler(),
                JSON,
                clock);
        web = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.concurrency.useVirtualThreads = true;
                    endpoint.register(cfg.routes);
                })
                .start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + web.port();
    }

    @AfterEach
    void stop() {
        endpoint.close();
        web.stop();
    }

    private HttpRequest.Builder post(String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String initialize(String mandate) throws Exception {
        HttpResponse<String> r = send(post(INIT.formatted("2025-06-18"), "Authorization", "Bearer " + mandate));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static int code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asInt();
    }

    @Test
    void initializeNegotiatesTheVersionAndOpensASession() throws Exception {
        HttpResponse<String> r = send(post(INIT.formatted("2025-06-18"), "Authorization", "Bearer m1"));
        assertThat(JSON.readTree(r.body())
                        .path("result")
                        .path("protocolVersion")
                        .asText())
                .isEqualTo("2025-06-18");
        assertThat(r.headers().firstValue("Mcp-Session-Id")).isPresent();

        HttpResponse<String> future = send(post(INIT.formatted("2099-01-01"), "Authorization", "Bearer m1"));
        assertThat(JSON.readTree(future.body())
                        .path("result")
                        .path("protocolVersion")
                        .asText())
                .isEqualTo(GatewaySettings.PROTOCOL_VERSIONS.get(0));
    }

    @Test
    void aBatchOnA20250326SessionIsAnsweredMemberByMemberInOrder() throws Exception {
        HttpResponse<String> init = send(post(INIT.formatted("2025-03-26"), "Authorization", "Bearer m1"));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String batch = """
                [{"jsonrpc":"2.0","id":1,"method":"echo","params":{"n":1}},
                 {"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":"two","method":"deny"},
                 {"jsonrpc":"1.0","id":3,"method":"echo"},
                 {"jsonrpc":"2.0","id":4,"method":"initialize","params":{}}]
                """;

        HttpResponse<String> r = send(post(batch, "Authorization", "Bearer m1", "Mcp-Session-Id", session));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answers = JSON.readTree(r.body());
        assertThat(answers.isArray()).isTrue();
        assertThat(answers).hasSize(4);
        assertThat(answers.get(0).path("result").path("n").asInt()).isEqualTo(1);
        assertThat(answers.get(1).path("id").asText()).isEqualTo("two");
        assertThat(answers.get(1).path("error").path("code").asInt()).isEqualTo(GatewayError.DENIED.jsonRpcCode());
        assertThat(answers.get(2).path("id").asInt()).isEqualTo(3);
        assertThat(answers.get(2).path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(answers.get(3).path("error").path("message").asText()).contains("initialize cannot be part");
    }

    @Test
    void aBatchOfOnlyNotificationsIsAccepted() throws Exception {
        HttpResponse<String> init = send(post(INIT.formatted("2025-03-26"), "Authorization", "Bearer m1"));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        HttpResponse<String> r = send(post(
                "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]",
                "Authorization",
                "Bearer m1",
                "Mcp-Session-Id",
                session));

        assertThat(r.statusCode()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-06-18", "2025-11-25"})
    void aBatchOnANewerRevisionIsRefusedNamingTheRevision(String version) throws Exception {
        HttpResponse<String> init = send(post(INIT.formatted(version), "Authorization", "Bearer m1"));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        HttpResponse<String> r = send(post(
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]",
                "Authorization",
                "Bearer m1",
                "Mcp-Session-Id",
                session));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(code(r)).isEqualTo(-32600);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("2025-03-26")
                .contains(version);
    }

    @Test
    void anEmptyBatchIsAnInvalidRequest() throws Exception {
        String session = initialize("m1");

        HttpResponse<String> r = send(post("[]", "Authorization", "Bearer m1", "Mcp-Session-Id", session));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(code(r)).isEqualTo(-32600);
    }

    @Test
    void aServerDiscoverProbeIsA404WithMethodNotFoundEvenWithoutCredentials() throws Exception {
        HttpResponse<String> r = send(post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"server/discover\"}"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(code(r)).isEqualTo(-32601);
        assertThat(JSON.readTree(r.body()).path("id").asInt()).isEqualTo(7);
    }

    @Test
    void noCredentialIs401PointingAtProtectedResourceMetadata() throws Exception {
        HttpResponse<String> r = send(post(INIT.formatted("2025-11-25")));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r)).isEqualTo(GatewayError.UNAUTHENTICATED.jsonRpcCode());
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("resource_metadata=\"" + url + "/.well-known/oauth-protected-resource\"");

        for (String path :
                List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            HttpResponse<String> meta = send(HttpRequest.newBuilder(URI.create(url + path)));
            JsonNode doc = JSON.readTree(meta.body());
            assertThat(doc.path("resource").asText()).isEqualTo(url + "/mcp");
            assertThat(doc.path("authorization_servers").get(0).asText()).isEqualTo(url);
            assertThat(doc.has("tls_client_certificate_bound_access_tokens"))
                    .as("no TLS listener, no certificate-bound tokens")
                    .isFalse();
        }
    }

    record Bad(String name, String body, int status, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badMessages() {
        return Stream.of(
                new Bad("not JSON", "{", 400, -32700),
                new Bad("empty", "", 400, -32700),
                new Bad("wrong jsonrpc", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", 400, -32600),
                new Bad("no method", "{\"jsonrpc\":\"2.0\",\"id\":1}", 400, -32600),
                new Bad("array params", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":[]}", 400, -32600),
                new Bad("batch", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", 400, -32600),
                new Bad("object id", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", 400, -32600),
                new Bad(
                        "oversized",
                        "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"p\":\"" + "x".repeat(2000) + "\"}}",
                        413,
                        -32600));
    }

    @ParameterizedTest
    @MethodSource("badMessages")
    void aMalformedMessageGetsTheRightErrorAndNever5xx(Bad bad) throws Exception {
        HttpResponse<String> r = send(post(bad.body(), "Authorization", "Bearer m1"));
        assertThat(r.statusCode()).isEqualTo(bad.status());
        assertThat(code(r)).isEqualTo(bad.code());
    }

    @Test
    void sessionsAreRequiredKnownAndBoundToTheirMandate() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";
        HttpResponse<String> missing = send(post(ping, "Authorization", "Bearer m1"));
        assertThat(missing.statusCode()).isEqualTo(400);

        HttpResponse<String> unknown = send(post(ping, "Authorization", "Bearer m1", "Mcp-Session-Id", "nope"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(code(unknown)).isEqualTo(GatewayError.SESSION_NOT_FOUND.jsonRpcCode());

        String session = initialize("m1");
        assertThat(send(post(ping, "Authorization", "Bearer m1", "Mcp-Session-Id", session))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(post(ping, "Authorization", "Bearer m2", "Mcp-Session-Id", session))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aBodyWithoutContentLengthIsReadWholeAndLimitedAsOneWithIt() throws Exception {
        String session = initialize("m1");
        String echo = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\",\"params\":{\"text\":\"héllo\"}}";
        byte[] bytes = echo.getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // ofInputStream has no known length: the request goes out chunked, without Content-Length.
        HttpResponse<String> chunked = send(post("", "Authorization", "Bearer m1", "Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));
        HttpResponse<String> sized = send(post(echo, "Authorization", "Bearer m1", "Mcp-Session-Id", session));

        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(chunked.body())
                .isEqualTo(sized.body())
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"text\":\"héllo\"}}");

        byte[] tooLarge = ("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"echo\",\"params\":{\"p\":\"" + "x".repeat(2000)
                        + "\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> refused = send(post("", "Authorization", "Bearer m1", "Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tooLarge))));
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(code(refused)).isEqualTo(-32600);
    }

    @Test
    void requestsAnswerJsonOrSseAndNotificationsAre202() throws Exception {
        String session = initialize("m1");
        String echo = "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"echo\",\"params\":{\"x\":1}}";

        HttpResponse<String> json = send(post(echo, "Authorization", "Bearer m1", "Mcp-Session-Id", session));
        assertThat(json.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(JSON.readTree(json.body()).path("result").path("x").asInt()).isEqualTo(1);

        HttpResponse<String> sse = send(
                post(echo, "Authorization", "Bearer m1", "Mcp-Session-Id", session, "Accept", "text/event-stream"));
        assertThat(sse.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        assertThat(sse.body()).startsWith("event: message\ndata: {").contains("\"x\":1");

        HttpResponse<String> denied = send(post(
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"deny\"}",
                "Authorization",
                "Bearer m1",
                "Mcp-Session-Id",
                session));
        assertThat(denied.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(denied.body())
                        .path("error")
                        .path("data")
                        .path("code")
                        .asText())
                .isEqualTo("denied");

        HttpResponse<String> note = send(post(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "Authorization",
                "Bearer m1",
                "Mcp-Session-Id",
                session));
        assertThat(note.statusCode()).isEqualTo(202);
        assertThat(note.body()).isEmpty();
    }

    @Test
    void originsOtherThanLoopbackAndConfiguredAreRefused() throws Exception {
        String init = INIT.formatted("2025-11-25");
        assertThat(send(post(init, "Authorization", "Bearer m1", "Origin", "https://evil.example"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(send(post(init, "Authorization", "Bearer m1", "Origin", "http://localhost:3000"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(post(init, "Authorization", "Bearer m2", "Origin", "https://console.example.com"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIsABadRequest() throws Exception {
        String session = initialize("m1");
        HttpResponse<String> r = send(post(
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}",
                "Authorization",
                "Bearer m1",
                "Mcp-Session-Id",
                session,
                "MCP-Protocol-Version",
                "2024-01-01"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("2024-01-01");
    }

    @Test
    void deleteEndsTheSessionAndIdleSessionsExpireOnTheClock() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";
        String first = initialize("m1");
        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(url + "/mcp"))
                .header("Authorization", "Bearer m1")
                .header("Mcp-Session-Id", first)
                .DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(send(post(ping, "Authorization", "Bearer m1", "Mcp-Session-Id", first))
                        .statusCode())
                .isEqualTo(404);

        String second = initialize("m1");
        clock.advance(Duration.ofMinutes(9));
        assertThat(send(post(ping, "Authorization", "Bearer m1", "Mcp-Session-Id", second))
                        .statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(10));
        assertThat(send(post(ping, "Authorization", "Bearer m1", "Mcp-Session-Id", second))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void pastTheSessionLimitInitializeIsRefusedUntilOneExpires() throws Exception {
        initialize("m1");
        initialize("m1");
        HttpResponse<String> third = send(post(INIT.formatted("2025-11-25"), "Authorization", "Bearer m1"));
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(code(third)).isEqualTo(GatewayError.OVERLOADED.jsonRpcCode());
        assertThat(third.body()).contains("gateway.max-sessions");

        clock.advance(Duration.ofMinutes(11));
        initialize("m1");
        assertThat(endpoint.sessionCount()).isEqualTo(1);
    }

    @Test
    void theGetStreamCarriesBroadcastsAndEndsWithTheSession() throws Exception {
        String session = initialize("m1");
        HttpResponse<String> noAccept = send(HttpRequest.newBuilder(URI.create(url + "/mcp"))
                .header("Authorization", "Bearer m1")
                .header("Mcp-Session-Id", session)
                .header("Accept", "application/json"));
        assertThat(noAccept.statusCode()).isEqualTo(406);

        endpoint.broadcast("notifications/tools/list_changed");
        HttpResponse<InputStream> stream = http.send(
                HttpRequest.newBuilder(URI.create(url + "/mcp"))
                        .header("Authorization", "Bearer m1")
                        .header("Mcp-Session-Id", session)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.startsWith("data:"));
            assertThat(line).contains("notifications/tools/list_changed");

            send(HttpRequest.newBuilder(URI.create(url + "/mcp"))
                    .header("Authorization", "Bearer m1")
                    .header("Mcp-Session-Id", session)
                    .DELETE());
            while (line != null) {
                line = lines.readLine();
            }
        }
    }
}

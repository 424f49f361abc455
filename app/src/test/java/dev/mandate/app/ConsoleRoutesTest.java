package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.app.console.ConsoleRoutes;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The console's assets and headers, and the live event stream, over real HTTP against a real node. */
final class ConsoleRoutesTest {
    @TempDir
    Path tmp;

    private MandateNode node;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()));
    }

    @AfterEach
    void stop() {
        node.close();
        http.close();
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/console/app.js", "/console/console.css"})
    void theConsoleIsServedUnderAStrictContentSecurityPolicy(String path) throws Exception {
        HttpResponse<String> r = get(path, Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp)
                .contains("script-src 'self'", "frame-ancestors 'none'", "connect-src 'self'", "default-src 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    @Test
    void thePageHasNoInlineScriptAndTheScriptsNeverParseHtml() throws Exception {
        String page = get("/", Map.of()).body();
        assertThat(page).contains("<script type=\"module\" src=\"/console/app.js\"></script>");
        assertThat(page.replace("<script type=\"module\" src=\"/console/app.js\"></script>", ""))
                .doesNotContain("<script")
                .doesNotContainPattern("\\son[a-z]+\\s*="); // no inline event handler attributes
        for (String js : List.of("app.js", "api.js", "dom.js", "views.js", "events.js")) {
            assertThat(get("/console/" + js, Map.of()).body())
                    .as(js)
                    .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/console/../admin.token", "/console/admin.token", "/console/%2e%2e%2fadmin.token"})
    void onlyTheListedAssetsExist(String path) throws Exception {
        HttpResponse<String> r = get(path, Map.of());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).doesNotContain(NodeTesting.adminToken(node));
    }

    @Test
    void theEventStreamNeedsTheAdminToken() throws Exception {
        assertThat(get("/v1/events", Map.of("Accept", "text/event-stream")).statusCode())
                .isEqualTo(401);
        assertThat(get("/v1/events", Map.of("Accept", "text/event-stream", "Authorization", "Bearer nope"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theEventStreamSaysReadyThenCarriesEveryAuditEventAsItIsAppended() throws Exception {
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v1/events"))
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + NodeTesting.adminToken(node))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(nextEvent(in)).contains("event: ready");
            NodeTesting.Answer a = NodeTesting.admin(
                    node, "POST", "/v1/agents", Map.of("name", "watched", "owner", "team-a", "purposes", List.of("x")));
            assertThat(a.status()).as(a.raw()).isEqualTo(201);
            List<String> event = nextEvent(in);
            assertThat(event).contains("event: agent.registered");
            assertThat(String.join("\n", event)).contains("\"type\":\"agent.registered\"", "watched");
            assertThat(event).anyMatch(line -> line.matches("id: \\d+"));
        }
    }

    @Test
    void aReconnectingStreamReplaysWhatFollowedItsLastEventId() throws Exception {
        NodeTesting.admin(node, "POST", "/v1/agents", Map.of("name", "first", "owner", "team-a"));
        NodeTesting.admin(node, "POST", "/v1/agents", Map.of("name", "second", "owner", "team-a"));
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v1/events"))
                        .header("Accept", "text/event-stream")
                        .header("Last-Event-ID", "0")
                        .header("Authorization", "Bearer " + NodeTesting.adminToken(node))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(nextEvent(in)).contains("event: ready");
            List<String> seen = new ArrayList<>();
            while (seen.stream().noneMatch(l -> l.contains("\"second\""))) {
                seen.addAll(nextEvent(in));
            }
            assertThat(String.join("\n", seen)).contains("\"first\"").contains("id: 1");
        }
    }

    @Test
    void aStreamWithoutTheEventStreamAcceptHeaderIsRefused() throws Exception {
        HttpResponse<String> r = get("/v1/events", Map.of("Authorization", "Bearer " + NodeTesting.adminToken(node)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("text/event-stream");
    }

    @Test
    void thePolicyNamesNoOtherOrigin() {
        assertThat(ConsoleRoutes.CONTENT_SECURITY_POLICY).doesNotContain("http:", "https:", "*");
    }

    /** Reads one event (lines up to a blank line), skipping keep-alive comments. */
    private static List<String> nextEvent(BufferedReader in) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (!lines.isEmpty()) {
                    return lines;
                }
            } else if (!line.startsWith(":")) {
                lines.add(line);
            }
        }
        throw new AssertionError("the stream ended after " + lines);
    }
}

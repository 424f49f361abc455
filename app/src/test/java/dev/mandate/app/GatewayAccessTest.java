package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP gateway of a real node accepts exactly the callers whose mandate token verifies and whose mandate is live. */
final class GatewayAccessTest {
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    @TempDir
    Path tmp;

    private MandateNode node;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()));
        NodeTesting.registerAgent(node, "pilot", "team-a", "copilot", "support");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private NodeTesting.Answer issueBearerToken() throws Exception {
        NodeTesting.Answer issued = NodeTesting.admin(
                node,
                "POST",
                "/v1/tokens",
                Map.of("agent", "pilot", "purpose", "support", "tools", List.of("crm.read")));
        assertThat(issued.status()).as(issued.raw()).isEqualTo(201);
        return issued;
    }

    private HttpResponse<String> initialize(@Nullable String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/mcp"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(INIT));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCallerWithoutATokenIsRefusedAndToldHowToAuthenticate() throws Exception {
        HttpResponse<String> r = initialize(null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void aTokenThatDoesNotVerifyIsRefused() throws Exception {
        assertThat(initialize("Bearer not-a-mandate-token").statusCode()).isEqualTo(401);
    }

    @Test
    void aLiveMandatesTokenOpensASessionAndTheNextRequestAfterRevocationIsRefused() throws Exception {
        NodeTesting.Answer issued = issueBearerToken();
        String token = issued.body().get("access_token").asText();
        String mandateId = issued.body().get("mandate_id").asText();

        HttpResponse<String> ok = initialize("Bearer " + token);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Mcp-Session-Id")).isPresent();

        NodeTesting.Answer revoked =
                NodeTesting.admin(node, "POST", "/v1/mandates/" + mandateId + "/revoke", Map.of("reason", "test"));
        assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);

        HttpResponse<String> refused = initialize("Bearer " + token);
        assertThat(refused.statusCode()).isEqualTo(401);
        JsonNode body = NodeTesting.JSON.readTree(refused.body());
        assertThat(body.toString()).contains(mandateId).contains("not live").doesNotContain(token);
    }

    @Test
    void aDpopBoundSchemeIsRequiredToMatchTheToken() throws Exception {
        String token = issueBearerToken().body().get("access_token").asText();
        // An unbound token presented under the DPoP scheme is refused: the scheme must say what the token is.
        assertThat(initialize("DPoP " + token).statusCode()).isEqualTo(401);
    }
}

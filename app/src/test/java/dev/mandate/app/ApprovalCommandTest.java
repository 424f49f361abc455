package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.config.Config;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/authorize}, the approvals REST API and {@code mandate approval|schema} against a real node. */
final class ApprovalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICIES = """
            @id("support-webhook")
            permit (principal in Team::"team-support", action == Action::"webhook.post", resource)
            when { context.mandate.purpose == "triage" };

            @id("no-egress-after-pii") @approval("security-oncall")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") }
            unless { context.approval.granted };
            """;

    @TempDir
    Path tmp;

    private MandateNode node;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final HttpClient http =
            HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @BeforeEach
    void start() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("policies"));
        Files.writeString(data.resolve("policies/support.cedar"), POLICIES);
        Config config = ConfigLoader.load(
                null, Map.of(), Map.of(ConfigKey.LISTEN, "127.0.0.1:0", ConfigKey.DATA_DIR, data.toString()));
        node = MandateNode.start(config);
    }

    @AfterEach
    void stop() {
        node.close();
        http.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        return NodeTesting.cliAgainst(node, out, err, args);
    }

    private JsonNode post(String path, String body) throws Exception {
        String token = Files.readString(node.dataDir().resolve("admin.token")).strip();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("httpStatus", r.statusCode());
        return json;
    }

    private String call(String url) {
        Instant now = Instant.now();
        return """
                {"tool": "webhook.post", "arguments": {"url": "%s"}, "flow": "confidential,pii",
                 "agent": {"id": "support-bot", "owner": "team-support", "ownerType": "team", "tier": "autonomous"},
                 "mandate": {"id": "m-42", "purpose": "triage", "issuedAt": "%s", "expiresAt": "%s",
                             "scope": ["webhook.*"]}}
                """.formatted(url, now.minusSeconds(10), now.plusSeconds(600));
    }

    @Test
    void anApprovalRequiredCallIsApprovedFromTheCliAndThenPassesOnce() throws Exception {
        JsonNode first = post("/v1/authorize", call("https://hooks.example/42"));
        assertThat(first.path("decision").asText()).isEqualTo("approval-required");
        assertThat(first.path("policyIds").toString()).contains("no-egress-after-pii");
        assertThat(first.path("policyVersion").asText()).startsWith("sha256:");
        String id = first.path("approvalId").asText();
        assertThat(id).startsWith("apr_");

        assertThat(run("approval", "list", "--state", "pending")).isZero();
        assertThat(out.toString()).contains(id, "webhook.post", "m-42", "security-oncall");
        assertThat(run("approval", "approve", id, "--by", "bob", "--reason", "customer asked"))
                .isZero();
        assertThat(out.toString()).contains("\"approved\"", "bob");
        assertThat(node.audit().page(0, 1000))
                .as("the approval is a privilege change in the audit log")
                .anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo("approval.approved");
                    assertThat(e.actor()).isEqualTo("bob");
                    assertThat(e.subject()).isEqualTo(id);
                    assertThat(e.details()).containsEntry("mandate", "m-42").containsEntry("tool", "webhook.post");
                });

        assertThat(post("/v1/authorize", call("https://other.example/"))
                        .path("decision")
                        .asText())
                .isEqualTo("approval-required");
        JsonNode approved = post("/v1/authorize", call("https://hooks.example/42"));
        assertThat(approved.path("decision").asText()).isEqualTo("allow");
        assertThat(approved.path("policyIds").toString()).contains("support-webhook");
        assertThat(post("/v1/authorize", call("https://hooks.example/42"))
                        .path("decision")
                        .asText())
                .isEqualTo("approval-required");

        assertThat(run("approval", "deny", id, "--by", "bob", "--reason", "again"))
                .isEqualTo(6);
        assertThat(run("approval", "approve", "apr_unknown", "--by", "bob", "--reason", "x"))
                .isEqualTo(5);
    }

    @Test
    void theCedarFormDecidesRawRequests() throws Exception {
        String body = """
                {"principal": "Agent::\\"support-bot\\"", "action": {"type": "Action", "id": "webhook.post"},
                 "resource": {"type": "McpServer", "id": "webhook"},
                 "context": {"mandate": {"purpose": "triage"}, "flow": {"labels": []}, "approval": {"granted": false}},
                 "entities": [{"uid": {"type": "Agent", "id": "support-bot"}, "attrs": {},
                               "parents": [{"type": "Team", "id": "team-support"}]},
                              {"uid": {"type": "Action", "id": "webhook.post"}, "attrs": {},
                               "parents": [{"type": "Action", "id": "egress"}]}]}
                """;
        JsonNode allowed = post("/v1/authorize", body);
        assertThat(allowed.path("decision").asText()).as(allowed.toString()).isEqualTo("allow");
        JsonNode denied = post("/v1/authorize", body.replace("\"triage\"", "\"other\""));
        assertThat(denied.path("decision").asText()).isEqualTo("deny");
        assertThat(denied.path("reasons").toString()).contains("no policy permits");
        JsonNode bad = post("/v1/authorize", "{\"principal\": 3, \"action\": 1, \"resource\": 2}");
        assertThat(bad.path("httpStatus").asInt()).isEqualTo(400);
    }

    @Test
    void policiesAndTheSchemaAreShown() throws Exception {
        assertThat(run("schema")).isZero();
        assertThat(out.toString()).contains("entity Agent in [Team, Person]", "action \"egress\"");
        String token = Files.readString(node.dataDir().resolve("admin.token")).strip();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v1/policies"))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("support-webhook", "no-egress-after-pii", "security-oncall", "sha256:");
    }
}

package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.core.ErrorCode;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class AgentRoutesTest {
    @TempDir
    Path tmp;

    private MandateNode node;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private NodeTesting.Answer admin(String method, String path, @Nullable Object body) throws Exception {
        return NodeTesting.admin(node, method, path, body);
    }

    private int cli(String... args) {
        return NodeTesting.cliAgainst(node, out, err, args);
    }

    @Test
    void registerGetListPatchAndDisableOverRest() throws Exception {
        NodeTesting.Answer created = admin(
                "POST",
                "/v1/agents",
                Map.of(
                        "name",
                        "support-bot",
                        "owner",
                        "team-support",
                        "tier",
                        "autonomous",
                        "purposes",
                        List.of("support")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.body().get("spiffeId").asText()).isEqualTo("spiffe://mandate.local/agent/support-bot");
        assertThat(created.body().get("labelsCeiling").isNull()).isTrue();

        assertThat(admin("GET", "/v1/agents/support-bot", null).body()).isEqualTo(created.body());
        assertThat(admin("GET", "/v1/agents", null).body().get("agents")).hasSize(1);

        NodeTesting.Answer patched = admin(
                "PATCH", "/v1/agents/support-bot", Map.of("labelsCeiling", List.of("internal"), "tier", "copilot"));
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.body().get("tier").asText()).isEqualTo("copilot");
        assertThat(patched.body().get("labelsCeiling").get(0).asText()).isEqualTo("internal");
        assertThat(admin("PATCH", "/v1/agents/support-bot", "{\"labelsCeiling\":null}")
                        .body()
                        .get("labelsCeiling")
                        .isNull())
                .isTrue();

        NodeTesting.Answer disabled = admin("DELETE", "/v1/agents/support-bot?reason=leaked", null);
        assertThat(disabled.body().get("status").asText()).isEqualTo("disabled");
        assertThat(node.agents().get("support-bot").isActive()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"owner\":\"o\"}                                  | 400 | field 'name' is required",
                "{\"name\":\"a\"}                                   | 400 | field 'owner' is required",
                "{\"name\":\"A!\",\"owner\":\"o\"}                  | 400 | agent name 'A!'",
                "{\"name\":\"a\",\"owner\":\"o\",\"tier\":\"boss\"} | 400 | unknown tier 'boss'",
                "{\"name\":\"a\",\"owner\":\"o\",\"purposes\":\"x\"}| 400 | must be an array of strings",
                "{\"name\":\"a\",\"owner\":\"o\",\"extra\":1}       | 400 | unknown field 'extra'",
                "[1,2]                                              | 400 | must be a JSON object",
                "{not json                                          | 400 | not valid JSON"
            })
    void badRegistrationsAreBadRequestsNamingTheField(String body, int status, String message) throws Exception {
        NodeTesting.Answer answer = admin("POST", "/v1/agents", body);
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.body().get("error").asText()).isEqualTo("bad-request");
        assertThat(answer.body().get("message").asText()).contains(message);
    }

    @Test
    void agentRoutesNeedTheAdminToken() throws Exception {
        assertThat(NodeTesting.call(node, "GET", "/v1/agents", null, null).status())
                .isEqualTo(401);
        assertThat(NodeTesting.call(node, "GET", "/v1/agents", null, "wrong").status())
                .isEqualTo(401);
    }

    @Test
    void unknownAgentIsNotFoundAndDuplicateIsConflict() throws Exception {
        assertThat(admin("GET", "/v1/agents/ghost", null).status()).isEqualTo(404);
        assertThat(admin("DELETE", "/v1/agents/ghost", null).status()).isEqualTo(404);
        Map<String, Object> a = Map.of("name", "a", "owner", "o");
        assertThat(admin("POST", "/v1/agents", a).status()).isEqualTo(201);
        assertThat(admin("POST", "/v1/agents", a).status()).isEqualTo(409);
    }

    @Test
    void cliRegistersListsGetsAndDisables() {
        assertThat(cli(
                        "agent",
                        "register",
                        "bot",
                        "--owner",
                        "alice",
                        "--purpose",
                        "support",
                        "--purpose",
                        "triage",
                        "--labels-ceiling",
                        "internal,pii"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString())
                .contains("\"spiffeId\" : \"spiffe://mandate.local/agent/bot\"")
                .contains("triage");
        assertThat(cli("agent", "join-token", "bot")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"token\" : \"mjt_");
        assertThat(cli("agent", "list")).isZero();
        assertThat(cli("agent", "get", "bot")).isZero();
        assertThat(cli("agent", "disable", "bot", "--reason", "done for today")).isZero();
        assertThat(out.toString()).contains("\"status\" : \"disabled\"");
        assertThat(cli("agent", "get", "nobody")).isEqualTo(ErrorCode.NOT_FOUND.exitCode());
        assertThat(err.toString()).contains("no agent named 'nobody'");
        assertThat(cli("agent", "register", "bot", "--owner", "x")).isEqualTo(ErrorCode.CONFLICT.exitCode());
    }
}

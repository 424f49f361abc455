package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.ErrorCode;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MandateCliCommandTest {
    @TempDir
    Path tmp;

    private MandateNode node;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()));
        NodeTesting.admin(
                node,
                "POST",
                "/v1/agents",
                Map.of("name", "pilot", "owner", "team-a", "tier", "copilot", "purposes", List.of("support")));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return NodeTesting.cliAgainst(node, out, err, args);
    }

    private JsonNode output() throws Exception {
        return NodeTesting.JSON.readTree(out.toString());
    }

    @Test
    void tokenListGetAndCloseAMandateFromTheCommandLine() throws Exception {
        assertThat(run("token", "--agent", "pilot", "--purpose", "support", "--tool", "crm.read", "--ttl", "600"))
                .as(err.toString())
                .isZero();
        String id = output().get("mandate_id").asText();
        assertThat(output().get("token_type").asText()).isEqualTo("Bearer");

        assertThat(run("mandate", "list", "--agent", "pilot", "--state", "active"))
                .isZero();
        assertThat(output().get("mandates").get(0).get("id").asText()).isEqualTo(id);

        assertThat(run("mandate", "get", id)).isZero();
        assertThat(output().get("tools").get(0).asText()).isEqualTo("crm.read");
        assertThat(output().get("live").asText()).isEqualTo("live");

        assertThat(run("mandate", "close", id)).isZero();
        assertThat(run("mandate", "get", id)).isZero();
        assertThat(output().get("state").asText()).isEqualTo("closed");

        assertThat(run("mandate", "close", id)).isEqualTo(ErrorCode.CONFLICT.exitCode());
        assertThat(err.toString()).contains("already ended");
        assertThat(run("mandate", "get", "mdt_nope")).isEqualTo(ErrorCode.NOT_FOUND.exitCode());

        assertThat(run("audit", "list", "--limit", "1000")).isZero();
        assertThat(out.toString()).contains("mandate.opened").contains("mandate.closed");
    }

    @Test
    void aTokenForAPurposeTheAgentLacksIsRefused() {
        assertThat(run("token", "--agent", "pilot", "--purpose", "billing"))
                .isEqualTo(ErrorCode.BAD_REQUEST.exitCode());
        assertThat(err.toString()).contains("billing");
    }
}

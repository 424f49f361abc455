package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.ErrorCode;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class AccessCommandTest {
    @TempDir
    Path tmp;

    private @org.jspecify.annotations.Nullable MandateNode node;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS + VisibilityTesting.FORBIDS);
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    static int run(MandateNode node, StringWriter out, StringWriter err, String... args) {
        return NodeTesting.cliAgainst(node, out, err, args);
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return run(java.util.Objects.requireNonNull(node), out, err, args);
    }

    @Test
    void whoCanPrintsTheAllowedAgentsWithConditionsAsJson() throws Exception {
        assertThat(run("access", "who-can", "webhook.post")).as(err.toString()).isZero();

        JsonNode answer = NodeTesting.JSON.readTree(out.toString());
        assertThat(answer.get("allowed").get(0).get("agent").asText()).isEqualTo("support-bot");
        assertThat(answer.get("never").get(0).get("agent").asText()).isEqualTo("billing-bot");
    }

    @Test
    void whoCanAsATableShowsVerdictsConditionsAndTheTimeToRevoke() {
        assertThat(run("access", "who-can", "webhook.post", "--format", "table"))
                .as(err.toString())
                .isZero();

        assertThat(out.toString())
                .contains("AGENT", "support-bot", "conditional", "needs approval once `pii`")
                .contains("billing-bot", "never")
                .contains("time to revoke: not measured yet");
    }

    @Test
    void accessOfAnAgentByNameOrSpiffeIdShowsItsTools() throws Exception {
        NodeTesting.admin(
                java.util.Objects.requireNonNull(node),
                "POST",
                "/v1/tokens",
                Map.of("agent", "support-bot", "purpose", "triage"));

        assertThat(run("access", "of", "support-bot")).as(err.toString()).isZero();
        JsonNode answer = NodeTesting.JSON.readTree(out.toString());
        assertThat(answer.get("tools").findValuesAsText("tool")).contains("crm.get_customer");
        assertThat(answer.get("mandates")).hasSize(1);

        String spiffe = answer.get("spiffeId").asText();
        assertThat(run("access", "of", spiffe, "--format", "table"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("agent support-bot (active)", "crm.get_customer", "mandates:", "s left");
    }

    @Test
    void anUnknownAgentOrToolExitsNotFoundAndABadFormatIsBadUsage() {
        assertThat(run("access", "of", "nobody")).isEqualTo(ErrorCode.NOT_FOUND.exitCode());
        assertThat(run("access", "who-can", "nowhere")).isEqualTo(ErrorCode.NOT_FOUND.exitCode());
        assertThat(run("access", "who-can", "crm", "--format", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("expected json or table");
    }
}

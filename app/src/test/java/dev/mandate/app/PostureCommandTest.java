package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PostureCommandTest {
    @TempDir
    Path tmp;

    private @org.jspecify.annotations.Nullable MandateNode node;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        // Permits without forbids: the trifecta is open, a critical toxic flow.
        node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS);
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return AccessCommandTest.run(java.util.Objects.requireNonNull(node), out, err, args);
    }

    @Test
    void postureAsJsonListsFindingsWithControls() throws Exception {
        assertThat(run("posture")).as(err.toString()).isZero();

        JsonNode answer = NodeTesting.JSON.readTree(out.toString());
        JsonNode f = answer.get("findings").get(0);
        assertThat(f.get("id").asText()).isEqualTo("toxic-flow:support-bot/triage");
        assertThat(f.get("controls").get("owaspAgentic").toString()).contains("ASI01");
    }

    @Test
    void postureAsATableShowsSeverityEvidenceFixAndControls() {
        assertThat(run("posture", "--format", "table")).as(err.toString()).isZero();

        assertThat(out.toString())
                .contains("SEVERITY", "critical", "toxic-flow", "support-bot/triage")
                .contains("evidence:", "fix:", "controls: NHI5 | ASI01; ASI02 | MAP; MANAGE")
                .contains("1 finding(s)");
    }

    @Test
    void failOnExitsOneWhenAFindingIsAtLeastThatSevere() {
        assertThat(run("posture", "--fail-on", "critical")).isEqualTo(1);
        assertThat(run("posture", "--fail-on", "bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("expected one of critical, high, medium, low");
    }
}

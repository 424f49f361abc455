package dev.mandate.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mandate demo --no-wait} in-process: a real node, real sample servers, a real PostgreSQL. */
final class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void everyStepOfTheDemoComesOutAsExpectedAndTheExitCodeIsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DemoCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute(
                "--no-wait",
                "--color",
                "never",
                "--data-dir",
                tmp.resolve("demo").toString());

        String text = out.toString();
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("All 22 steps came out as expected.").doesNotContain("EXPECTED");
        List<String> outcomes = text.lines()
                .filter(l -> l.startsWith("     = "))
                .map(l -> l.substring(7).split(" ", 2)[0])
                .toList();
        assertThat(outcomes)
                .containsExactly(
                        "OK",
                        "OK",
                        "OK", // agents, SVIDs, mandate
                        "ALLOW",
                        "ALLOW",
                        "APPROVAL-REQUIRED", // scenario 1
                        "OK",
                        "ALLOW",
                        "APPROVAL-REQUIRED",
                        "APPROVAL-REQUIRED", // scenario 4
                        "OK",
                        "ALLOW",
                        "DENY", // scenario 2
                        "OK",
                        "ALLOW",
                        "DENY", // scenario 5
                        "OK",
                        "REFUSED",
                        "DENY", // scenario 6
                        "ALLOW",
                        "DENY", // scenario 7
                        "OK"); // audit
        assertThat(text)
                .contains("no-egress-after-pii")
                .contains("no-pii-egress-by-sub-agents")
                .contains("flow labels now {")
                .contains("pii")
                .contains("ok=true");
        // Scenario 5: the restricted article was withheld from the agent acting for alice, and the audit says so.
        String received = text.lines()
                .filter(l -> l.contains("support-bot received: "))
                .findFirst()
                .orElseThrow();
        assertThat(received)
                .contains("docs://kb/KB-7")
                .contains("docs://kb/KB-12")
                .doesNotContain("KB-19");
        assertThat(text)
                .contains("with clearance confidential")
                .contains(
                        "clearance=confidential, withheld=1, withheldLabels=restricted, withheldUris=docs://kb/KB-19");
        // Scenario 5, whole results: the board's minutes are restricted, so the call is refused unforwarded.
        assertThat(text)
                .contains("JSON-RPC error -32011: withheld: docs.board_minutes returns data labelled restricted,"
                        + " above the clearance 'confidential'")
                .contains("the docs server was asked for the minutes 0 times")
                .contains(
                        "decision=allow, upstreamStatus=not-called, clearance=confidential, withheldLabels=restricted")
                .doesNotContain("prices rise 12%");
        assertThat(text).doesNotContain(adminTokenOf(tmp.resolve("demo")));
    }

    private static String adminTokenOf(Path demoDir) {
        try {
            return java.nio.file.Files.readString(demoDir.resolve("node").resolve("admin.token"))
                    .strip();
        } catch (java.io.IOException e) {
            throw new AssertionError("the demo left no admin token in " + demoDir, e);
        }
    }
}

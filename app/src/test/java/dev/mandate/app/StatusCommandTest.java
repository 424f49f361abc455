package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.core.ErrorCode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class StatusCommandTest {
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

    private int run(String... args) {
        return NodeTesting.cli(out, err, args);
    }

    private String server() {
        return "http://127.0.0.1:" + node.port();
    }

    @Test
    void statusPrintsTheNodesAnswer() {
        int code = run(
                "status",
                "--server",
                server(),
                "--token-file",
                node.dataDir().resolve("admin.token").toString());
        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("\"trustDomain\" : \"mandate.local\"")
                .contains("embedded-h2");
    }

    @Test
    void aWrongTokenExitsWithTheUnauthenticatedCode() throws Exception {
        Path wrong = Files.writeString(tmp.resolve("wrong.token"), "nope\n");
        int code = run("status", "--server", server(), "--token-file", wrong.toString());
        assertThat(code).isEqualTo(ErrorCode.UNAUTHENTICATED.exitCode());
        assertThat(err.toString()).contains("not the admin token").contains("--token-file");
    }

    @Test
    void anUnreachableNodeExitsWithTheUnavailableCode() {
        String server = server();
        node.close();
        int code = run(
                "status",
                "--server",
                server,
                "--token-file",
                node.dataDir().resolve("admin.token").toString());
        assertThat(code).as(err.toString()).isEqualTo(ErrorCode.UNAVAILABLE.exitCode());
        assertThat(err.toString()).contains("cannot reach the Mandate node");
        node = MandateNode.start(node.config());
    }
}

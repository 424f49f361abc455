package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.app.config.Config;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.core.ErrorCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

final class StatusCommandTest {
    @TempDir
    Path tmp;

    private MandateNode node;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        Config config = ConfigLoader.load(
                null,
                Map.of(),
                Map.of(
                        ConfigKey.LISTEN,
                        "127.0.0.1:0",
                        ConfigKey.DATA_DIR,
                        tmp.resolve("data").toString()));
        node = MandateNode.start(config);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
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

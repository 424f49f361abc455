package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.app.config.Config;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.core.ErrorCode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LeaseCommandTest {
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
        return NodeTesting.cliAgainst(node, out, err, args);
    }

    @Test
    void listOnANodeWithoutLeasesPrintsAnEmptyList() {
        assertThat(run("lease", "list", "--state", "revoking"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("\"leases\" : [ ]");
    }

    @Test
    void revokeOfAnUnknownLeaseExitsWithNotFound() {
        assertThat(run("lease", "revoke", "does-not-exist", "--reason", "test"))
                .isEqualTo(ErrorCode.NOT_FOUND.exitCode());
        assertThat(err.toString()).contains("does-not-exist");
    }

    @Test
    void revokeNeedsExactlyOneTarget() {
        assertThat(run("lease", "revoke")).isEqualTo(2);
        assertThat(run("lease", "revoke", "abc", "--mandate", "m1")).isEqualTo(2);
        assertThat(err.toString()).contains("exactly one");
    }

    @Test
    void revokeByMandatePrintsTheLeasesItEnded() {
        assertThat(run("lease", "revoke", "--mandate", "m-without-leases"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("\"leases\" : [ ]");
    }

    @Test
    void badStateExitsWithBadRequest() {
        assertThat(run("lease", "list", "--state", "zombie")).isEqualTo(ErrorCode.BAD_REQUEST.exitCode());
    }

    @Test
    void unknownBackendTypeInTheConfigFileRefusesStartUpNamingTheKey() throws Exception {
        Path file = tmp.resolve("mandate.yaml");
        Files.writeString(file, """
                credentials:
                  backends:
                    vault:
                      type: hashicorp
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessageContaining("credentials.backends.vault.type")
                .hasMessageContaining("hashicorp");
    }

    @Test
    void credentialsSectionIsParsedWithoutPrintingPasswords() throws Exception {
        Path file = tmp.resolve("mandate.yaml");
        Files.writeString(file, """
                credentials:
                  backends:
                    pg-orders:
                      type: postgres-role
                      url: jdbc:postgresql://127.0.0.1:5432/shop
                      user: mandate_admin
                      password: hunter2
                      scopes:
                        read-orders: SELECT ON public.orders
                """);
        Config config = ConfigLoader.load(file, Map.of(), Map.of());
        assertThat(config.credentials().backends()).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("pg-orders");
            assertThat(b.toString()).doesNotContain("hunter2");
        });
        assertThat(config.toString()).doesNotContain("hunter2");
    }
}

package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway driven by a second, independent agent: the official MCP TypeScript SDK client
 * ({@code src/test/npm/ts-agent.mjs}) against the npm peers. The script prints one JSON object; this test asserts on it.
 */
final class McpGatewayTypeScriptAgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theTypeScriptSdkClientInitializesListsCallsReadsPromptsFollowsProgressAndCancels() throws Exception {
        Recorders.Tokens tokens = new Recorders.Tokens();
        Recorders.Decider decider = new Recorders.Decider();
        Recorders.Audit audit = new Recorders.Audit();
        decider.rule = r -> r.action().equals("files.write_file") && !r.listing()
                ? new Decision.Deny(List.of("read-only"), "the task only reads")
                : new Decision.Allow(List.of());
        tokens.add("m-ts", Recorders.fresh());

        JsonNode out;
        try (PeerGateway peers = new PeerGateway(tokens, decider, audit)) {
            out = run(
                    peers.node.toString(),
                    NpmPeers.DIR.resolve("ts-agent.mjs").toString(),
                    peers.url(),
                    "token-m-ts",
                    peers.root.resolve("notes.txt").toString());
        }

        // Kept for reading after a failure: what the TypeScript agent saw.
        java.nio.file.Files.writeString(NpmPeers.DIR.resolve("ts-agent-output.json"), out.toPrettyString());
        JsonNode init = out.path("initialize");
        assertThat(init.path("server").asText()).as(out.toString()).isEqualTo("mandate-gateway");
        assertThat(names(init.path("capabilities"))).contains("tools", "resources", "prompts");
        assertThat(names(out.path("tools")))
                .contains("everything.echo", "web.get-sum", "files.read_text_file", "files.write_file");
        assertThat(out.path("echo").asText()).contains("from ts");
        assertThat(out.path("sum").asText()).contains("42");
        assertThat(out.path("file").asText()).isEqualTo("hello from the filesystem server");
        assertThat(out.path("denied").path("error").path("code").asInt()).isEqualTo(GatewayError.DENIED.jsonRpcCode());
        assertThat(out.path("denied").path("error").path("message").asText()).contains("read-only");
        assertThat(out.path("resources").path("count").asInt()).isPositive();
        assertThat(out.path("resources").path("readUri").asText())
                .isEqualTo(out.path("resources").path("uri").asText());
        assertThat(names(out.path("prompts").path("names"))).contains("web.args-prompt", "everything.simple-prompt");
        assertThat(out.path("prompts").path("text").asText()).contains("Porto");
        assertThat(out.path("progress").path("seen").toString())
                .isEqualTo("[{\"progress\":1,\"total\":3},{\"progress\":2,\"total\":3},{\"progress\":3,\"total\":3}]");
        assertThat(out.path("progress").path("text").asText()).contains("completed");
        JsonNode cancel = out.path("cancel");
        assertThat(cancel.path("aborted").asBoolean()).as(cancel.toString()).isTrue();
        assertThat(cancel.path("progressed").asInt()).isPositive();
        assertThat(cancel.path("millis").asLong()).isLessThan(20_000);
        assertThat(out.path("afterCancel").asText()).contains("still here");
        assertThat(out.path("ping").asBoolean()).isTrue();
        assertThat(out.path("close").asBoolean())
                .as(out.path("close").toString())
                .isTrue();
        assertThat(audit.entries)
                .filteredOn(e -> "everything.trigger-long-running-operation"
                        .equals(e.details().get("tool")))
                .extracting(e -> e.details().get("upstreamStatus"))
                .containsExactly("error");
        assertThat(audit.entries)
                .filteredOn(e -> "files.write_file".equals(e.details().get("tool")))
                .extracting(e -> e.details().get("decision"))
                .containsExactly("deny");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode run(String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .directory(NpmPeers.DIR.toFile())
                .redirectErrorStream(false)
                .start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ts-agent.mjs did not finish in 120 s; stderr: " + stderr.get());
        }
        String printed = stdout.get().strip();
        assertThat(process.exitValue())
                .as("ts-agent.mjs exit; stderr: %s", stderr.get())
                .isZero();
        String last = printed.substring(printed.lastIndexOf('\n') + 1);
        return JSON.readTree(last);
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The third-party MCP peers that the build installs from {@code src/test/npm/package-lock.json} into
 * {@code target/npm} (profile {@code npm-peers}). Without node and the installed packages a peer test is skipped, but
 * when {@code CI} is set it fails instead, so CI cannot pass without having run them.
 */
final class NpmPeers {
    static final Path DIR = Path.of("target", "npm").toAbsolutePath();
    static final Path MODULES = DIR.resolve("node_modules");

    private NpmPeers() {}

    /** Skips the test (or fails it on CI) unless node and the installed peers are present. */
    static Path requireNode() {
        @Nullable Path node = onPath("node");
        boolean installed = Files.isDirectory(MODULES.resolve("@modelcontextprotocol/server-everything"))
                && Files.isDirectory(MODULES.resolve("@modelcontextprotocol/server-filesystem"))
                && Files.isDirectory(MODULES.resolve("@modelcontextprotocol/sdk"));
        if (node != null && installed) {
            return node;
        }
        String why = node == null
                ? "node is not on the PATH"
                : "the npm peers are not installed in " + MODULES + " (the npm-peers profile runs npm ci)";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            fail("CI is set but " + why);
        }
        assumeTrue(false, why);
        throw new AssertionError("unreachable");
    }

    private static @Nullable Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static Path everything() {
        return MODULES.resolve("@modelcontextprotocol/server-everything/dist/index.js");
    }

    static Path filesystem() {
        return MODULES.resolve("@modelcontextprotocol/server-filesystem/dist/index.js");
    }

    static Path loopbackPreload() {
        return DIR.resolve("loopback.cjs");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The everything server over Streamable HTTP on a loopback port, up once it says it listens. */
    static final class EverythingHttp implements AutoCloseable {
        final Process process;
        final int port;

        EverythingHttp(Path node) throws Exception {
            port = freePort();
            ProcessBuilder pb = new ProcessBuilder(
                    node.toString(),
                    "--require",
                    loopbackPreload().toString(),
                    everything().toString(),
                    "streamableHttp");
            pb.environment().put("PORT", Integer.toString(port));
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            process = pb.start();
            CompletableFuture<Boolean> listening = new CompletableFuture<>();
            List<String> said = new ArrayList<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader err =
                        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = err.readLine()) != null) {
                        synchronized (said) {
                            said.add(line);
                        }
                        if (line.contains("listening on port")) {
                            listening.complete(true);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                listening.complete(false);
            });
            if (!listening.get(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                synchronized (said) {
                    throw new IllegalStateException("the everything server did not start: " + said);
                }
            }
        }

        String url() {
            return "http://127.0.0.1:" + port + "/mcp";
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

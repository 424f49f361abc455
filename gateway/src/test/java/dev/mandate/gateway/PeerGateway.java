package dev.mandate.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A gateway on a loopback port in front of the npm peers: the everything server over stdio ({@code everything.*}) and
 * over Streamable HTTP ({@code web.*}), and the filesystem server over stdio ({@code files.*}) serving a temporary
 * directory that holds {@code notes.txt}.
 */
final class PeerGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path node;
    final Path root;
    private final NpmPeers.EverythingHttp web;
    private final McpGateway gateway;
    private final Javalin server;

    PeerGateway(CallAuthenticator tokens, CallDecider decider, Recorders.Audit audit) throws Exception {
        node = NpmPeers.requireNode();
        root = Files.createTempDirectory("mandate-peers").toRealPath();
        Files.writeString(root.resolve("notes.txt"), "hello from the filesystem server");
        web = new NpmPeers.EverythingHttp(node);
        ObjectNode config = JSON.createObjectNode();
        ObjectNode upstreams = config.putObject("upstreams");
        upstreams
                .putObject("everything")
                .put("command", node.toString())
                .putArray("args")
                .add(NpmPeers.everything().toString())
                .add("stdio");
        upstreams.putObject("web").put("url", web.url());
        upstreams
                .putObject("files")
                .put("command", node.toString())
                .putArray("args")
                .add(NpmPeers.filesystem().toString())
                .add(root.toString());
        gateway = McpGateway.builder()
                .settings(new GatewaySettings(
                        List.of(), 100, Duration.ofMinutes(5), 1 << 20, Duration.ofSeconds(30), "test"))
                .config(GatewayConfig.fromTree(config, "test"))
                .authenticator(tokens)
                .decider(decider)
                .audit(audit)
                .build();
        server = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.concurrency.useVirtualThreads = true;
                    gateway.register(cfg.routes);
                })
                .start("127.0.0.1", 0);
    }

    int port() {
        return server.port();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/mcp";
    }

    @Override
    public void close() {
        try {
            gateway.close();
            server.stop();
        } finally {
            web.close();
        }
    }
}

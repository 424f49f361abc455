package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.core.MandateException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class GatewayMountTest {
    @TempDir
    Path tmp;

    @Test
    void theNodeServesMcpFailClosedWithProtectedResourceMetadata() throws Exception {
        Path gatewayFile = tmp.resolve("gateway.yaml");
        Files.writeString(gatewayFile, """
                upstreams:
                  crm: { url: "http://127.0.0.1:9/mcp" }
                catalog:
                  tools:
                    crm:
                      get_customer: { labels: "confidential,pii" }
                """);
        try (MandateNode node = MandateNode.start(ConfigLoader.load(
                null,
                Map.of("MANDATE_GATEWAY_CONFIG", gatewayFile.toString()),
                Map.of(
                        ConfigKey.LISTEN,
                        "127.0.0.1:0",
                        ConfigKey.DATA_DIR,
                        tmp.resolve("data").toString())))) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + node.port();
            HttpResponse<String> init = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/mcp"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(init.statusCode()).isEqualTo(401);
            assertThat(init.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains(base + "/.well-known/oauth-protected-resource");

            HttpResponse<String> discover = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/mcp"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(discover.statusCode()).isEqualTo(404);
            assertThat(discover.body()).contains("-32601");

            HttpResponse<String> metadata = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/.well-known/oauth-protected-resource"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metadata.body()).contains("\"resource\":\"" + base + "/mcp\"");
        }
    }

    @Test
    void aBadGatewayFileStopsStartUpNamingTheKey() throws Exception {
        Path gatewayFile = tmp.resolve("gateway.yaml");
        Files.writeString(gatewayFile, "upstreams:\n  crm: { url: \"http://10.1.2.3/mcp\" }\n");
        assertThatThrownBy(() -> MandateNode.start(ConfigLoader.load(
                        null,
                        Map.of(),
                        Map.of(
                                ConfigKey.LISTEN, "127.0.0.1:0",
                                ConfigKey.DATA_DIR, tmp.resolve("data").toString(),
                                ConfigKey.GATEWAY_CONFIG, gatewayFile.toString()))))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("gateway.config")
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("MANDATE_GATEWAY_MAX_SESSIONS", "0"), Map.of()))
                .hasMessageContaining("gateway.max-sessions");
    }
}

package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MetricsTest {
    @TempDir
    Path tmp;

    @Test
    void metricsExposeRequestTimingsByRouteTemplateAndJvmGauges() throws Exception {
        try (MandateNode node = MandateNode.start(ConfigLoader.load(
                null, Map.of(), Map.of(ConfigKey.LISTEN, "127.0.0.1:0", ConfigKey.DATA_DIR, tmp.toString())))) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + node.port();
            client.send(
                    HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding());
            client.send(
                    HttpRequest.newBuilder(URI.create(base + "/no/such/agent-42"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            HttpResponse<String> metrics = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("mandate_http_requests_seconds_count{method=\"GET\",route=\"/healthz\",status=\"200\"}")
                    .contains("jvm_memory_used_bytes")
                    .doesNotContain("agent-42");
        }
    }
}

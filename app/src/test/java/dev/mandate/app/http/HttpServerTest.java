package dev.mandate.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.config.HostPort;
import dev.mandate.core.MandateException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean storeReady = new AtomicBoolean(true);
    private final CountDownLatch slowEntered = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private AdminToken adminToken;
    private HttpServer server;

    @BeforeEach
    void start() {
        adminToken = AdminToken.loadOrCreate(dataDir);
        server = HttpServer.start(
                settings(0),
                storeReady::get,
                List.of(routes -> routes.get("/test/slow", ctx -> {
                    slowEntered.countDown();
                    slowRelease.await(10, TimeUnit.SECONDS);
                    ctx.result("finished");
                })));
    }

    private HttpServer.Settings settings(int port) {
        return new HttpServer.Settings(
                new HostPort("127.0.0.1", port), Duration.ofSeconds(5), 1 << 20, JSON, adminToken, null);
    }

    @AfterEach
    void stop() {
        slowRelease.countDown();
        server.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws Exception {
        return Files.readString(dataDir.resolve(AdminToken.FILE_NAME)).strip();
    }

    @Test
    void healthzAnswersOk() throws Exception {
        HttpResponse<String> response = get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void readyzFollowsTheStore() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        storeReady.set(false);
        HttpResponse<String> notReady = get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(notReady.body()).get("status").asText()).isEqualTo("not-ready");
    }

    @Test
    void controlPlaneWithoutATokenIs401WithAJsonError() throws Exception {
        HttpResponse<String> response = get("/v1/anything");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("unauthenticated");
        assertThat(body.get("message").asText()).contains("admin token");
    }

    @Test
    void controlPlaneWithAWrongTokenIs401() throws Exception {
        HttpResponse<String> response = get("/v1/anything", "Authorization", "Bearer " + token() + "x");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("unauthenticated");
    }

    @Test
    void controlPlaneWithTheTokenPassesTheGuard() throws Exception {
        HttpResponse<String> response = get("/v1/anything", "Authorization", "Bearer " + token());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("not-found");
    }

    @Test
    void onlyTheExactPathsAGroupDeclaresPublicSkipTheAdminToken() throws Exception {
        RouteGroup open = new RouteGroup() {
            @Override
            public void register(io.javalin.config.RoutesConfig routes) {
                routes.get("/v1/open", ctx -> ctx.result("open"));
                routes.get("/v1/open/more", ctx -> ctx.result("guarded"));
            }

            @Override
            public java.util.Set<String> publicPaths() {
                return java.util.Set.of("/v1/open");
            }
        };
        try (HttpServer other = HttpServer.start(settings(0), () -> true, List.of(open))) {
            String base = "http://127.0.0.1:" + other.port();
            HttpResponse<String> publicAnswer = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/open")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(publicAnswer.statusCode()).isEqualTo(200);
            assertThat(publicAnswer.body()).isEqualTo("open");
            for (String path : List.of("/v1/open/more", "/v1/open/", "/v1/OPEN")) {
                assertThat(client.send(
                                        HttpRequest.newBuilder(URI.create(base + path))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .as(path)
                        .isEqualTo(401);
            }
        }
    }

    @Test
    void adminTokenFileIsOwnerOnly() throws Exception {
        assertThat(Files.getPosixFilePermissions(dataDir.resolve(AdminToken.FILE_NAME)))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(adminToken.toString()).doesNotContain(token());
    }

    @Test
    void aBusyPortIsRefusedNamingTheAddress() {
        assertThatThrownBy(() -> HttpServer.start(settings(server.port()), () -> true, List.of()))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + server.port())
                .hasMessageContaining("'listen'");
    }

    @Test
    void closeLetsAnInFlightRequestFinishAndThenRefusesConnections() throws Exception {
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/test/slow"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
        int port = server.port();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        slowRelease.countDown();
        HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("finished");
        closing.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }
}

package dev.mandate.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.config.HostPort;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DirectRoutesTest {
    private static final int MAX_BODY = 256;

    @TempDir
    Path dataDir;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> offered = new CopyOnWriteArrayList<>();
    private final List<String> javalinSaw = new CopyOnWriteArrayList<>();
    private final List<String> observed = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** Answers a body of "direct", declines anything else; Javalin echoes what reaches it. */
    private final class Echo implements RouteGroup, DirectRoute {
        @Override
        public void register(io.javalin.config.RoutesConfig routes) {
            routes.before(ctx -> javalinSaw.add("before " + ctx.path()));
            routes.post("/echo", ctx -> {
                javalinSaw.add(ctx.body());
                ctx.result("javalin:" + ctx.body());
            });
        }

        @Override
        public List<DirectRoute> directRoutes() {
            return List.of(this);
        }

        @Override
        public void served(String method, String route, int status, long nanos) {
            observed.add(method + " " + route + " " + status);
        }

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String path() {
            return "/echo";
        }

        @Override
        public @Nullable DirectAnswer handle(DirectRequest request) {
            offered.add(request.body());
            if (!request.body().equals("direct")) {
                return null;
            }
            return new DirectAnswer(
                    201,
                    Map.of("Cache-Control", "no-store"),
                    ("{\"url\":\"" + request.url() + "\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    @BeforeEach
    void start() {
        AdminToken adminToken = AdminToken.loadOrCreate(dataDir);
        server = HttpServer.start(
                new HttpServer.Settings(
                        new HostPort("127.0.0.1", 0),
                        Duration.ofSeconds(5),
                        MAX_BODY,
                        new ObjectMapper(),
                        adminToken,
                        null),
                () -> true,
                List.of(new Echo()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/echo?q=1"))
                        .POST(body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAnsweredRequestNeverReachesJavalinAndIsObserved() throws Exception {
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofString("direct"));

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.body()).isEqualTo("{\"url\":\"http://127.0.0.1:" + server.port() + "/echo\"}");
        assertThat(javalinSaw).isEmpty();
        assertThat(observed).containsExactly("POST /echo 201");
    }

    @Test
    void aDeclinedRequestReachesJavalinWithItsBodyIntact() throws Exception {
        String body = "grant_type=x&é=ü".repeat(10);

        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofString(body));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("javalin:" + body);
        assertThat(offered).containsExactly(body);
        assertThat(javalinSaw).containsExactly("before /echo", body);
        assertThat(observed).isEmpty();
    }

    @Test
    void bodiesWithoutALengthOrOverTheLimitAreNeverOffered() throws Exception {
        HttpResponse<String> chunked = post(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream("direct".getBytes(StandardCharsets.UTF_8))));
        HttpResponse<String> tooLarge = post(HttpRequest.BodyPublishers.ofString("d".repeat(MAX_BODY + 1)));

        assertThat(chunked.body()).isEqualTo("javalin:direct");
        assertThat(tooLarge.statusCode()).isNotEqualTo(200);
        assertThat(offered).isEmpty();
    }
}

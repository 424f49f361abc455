package dev.mandate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class KeepAliveHttpTest {
    private HttpServer server;
    private final Set<Object> connections = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/echo", exchange -> {
            connections.add(exchange.getRemoteAddress());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String answer = "got " + new String(body, StandardCharsets.UTF_8) + " as "
                    + exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Mcp-Session-Id", "s-1");
            boolean chunked = exchange.getRequestURI().getQuery() != null;
            exchange.sendResponseHeaders(200, chunked ? 0 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes, 0, 3);
                out.flush();
                out.write(bytes, 3, bytes.length - 3);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void answersAreReadWholeByLengthOverOneKeptAliveConnection() throws IOException {
        byte[] request = KeepAliveHttp.post(url("/echo"), List.of("Content-Type: text/plain"), "héllo");
        try (KeepAliveHttp http = KeepAliveHttp.open(url("/echo"))) {
            for (int i = 0; i < 3; i++) {
                KeepAliveHttp.Answer a = http.exchange(request);
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.body()).isEqualTo("got héllo as text/plain");
                assertThat(a.header("mcp-session-id")).isEqualTo("s-1");
                assertThat(a.header("Mcp-Session")).isNull();
            }
        }
        assertThat(connections).hasSize(1);
    }

    @Test
    void chunkedAnswersAreReadWhole() throws IOException {
        byte[] request = KeepAliveHttp.post(url("/echo?chunked"), List.of("Content-Type: text/plain"), "hello");
        try (KeepAliveHttp http = KeepAliveHttp.open(url("/echo"))) {
            assertThat(http.exchange(request).body()).isEqualTo("got hello as text/plain");
            assertThat(http.exchange(request).body()).isEqualTo("got hello as text/plain");
        }
    }

    @Test
    void aHeaderLineThatWouldSplitTheRequestIsRefused() {
        assertThatThrownBy(() -> KeepAliveHttp.post(url("/echo"), List.of("X: a\r\nY: b"), ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Name: value' on one line");
    }

    @Test
    void aServerThatClosesWithoutAnAnswerFailsTheExchangeAndTheNextOneReconnects() throws IOException {
        server.createContext("/close", exchange -> exchange.close());
        byte[] close = KeepAliveHttp.post(url("/close"), List.of(), "");
        byte[] echo = KeepAliveHttp.post(url("/echo"), List.of("Content-Type: a/b"), "x");
        try (KeepAliveHttp http = KeepAliveHttp.open(url("/echo"))) {
            assertThatThrownBy(() -> http.exchange(close))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("closed the connection");
            assertThat(http.exchange(echo).body()).isEqualTo("got x as a/b");
        }
    }
}

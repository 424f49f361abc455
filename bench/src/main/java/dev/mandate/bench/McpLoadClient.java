package dev.mandate.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The MCP client side of the gateway load drivers ({@link GatewayLoad}, {@link NodeGatewayLoad}): connections that
 * open Streamable HTTP sessions and call an echo tool, each answer checked. {@code -Dclient=raw} (the default) uses
 * {@link KeepAliveHttp}, one socket per connection opened before measuring; {@code -Dclient=jdk} the JDK's {@code
 * HttpClient} that the figures before December 2026 used (shared by all connections, its own pool).
 */
final class McpLoadClient {
    static final String PROTOCOL = "2025-06-18";

    private final String kind;
    private final @Nullable HttpClient jdk;

    private McpLoadClient(String kind, @Nullable HttpClient jdk) {
        this.kind = kind;
        this.jdk = jdk;
    }

    /**
     * The client named by the system property {@code client}: {@code raw} (default) or {@code jdk}.
     *
     * @throws IllegalArgumentException for any other name
     */
    static McpLoadClient fromSystemProperty() {
        String kind = System.getProperty("client", "raw");
        return switch (kind) {
            case "raw" -> new McpLoadClient(kind, null);
            case "jdk" ->
                new McpLoadClient(
                        kind,
                        HttpClient.newBuilder()
                                .version(HttpClient.Version.HTTP_1_1)
                                .connectTimeout(Duration.ofSeconds(5))
                                .executor(Executors.newVirtualThreadPerTaskExecutor())
                                .build());
            default -> throw new IllegalArgumentException("-Dclient must be raw or jdk, got '" + kind + "'");
        };
    }

    /** The client's name, for the report. */
    String kind() {
        return kind;
    }

    /**
     * A connection to the MCP endpoint at {@code url} presenting {@code token} as a bearer token if not null.
     *
     * @throws IOException if a raw connection cannot be opened
     */
    Connection connect(URI url, @Nullable String token) throws IOException {
        HttpClient client = jdk;
        return client == null
                ? new Connection(url, token, KeepAliveHttp.open(url), null)
                : new Connection(url, token, null, client);
    }

    /** One connection: one caller at a time. */
    static final class Connection implements AutoCloseable {
        private final URI url;
        private final @Nullable String token;
        private final @Nullable KeepAliveHttp raw;
        private final @Nullable HttpClient jdk;
        private @Nullable String lastSession;
        private @Nullable String lastTool;
        private @Nullable String lastText;
        private byte[] lastRequest = new byte[0];

        private Connection(URI url, @Nullable String token, @Nullable KeepAliveHttp raw, @Nullable HttpClient jdk) {
            this.url = url;
            this.token = token;
            this.raw = raw;
            this.jdk = jdk;
        }

        /**
         * Opens a session ({@code initialize}, then {@code notifications/initialized}) and returns its id.
         *
         * @throws Exception if the endpoint opens no session
         */
        String initialize() throws Exception {
            Reply init = send(null, """
                    {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s",\
                    "capabilities":{},"clientInfo":{"name":"gateway-load","version":"1"}}}""".formatted(PROTOCOL));
            String id = init.session();
            if (id == null) {
                throw new IllegalStateException(
                        url + " initialize answered " + init.status() + " without a session: " + init.body());
            }
            Reply initialized = send(id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            if (initialized.status() / 100 != 2) {
                throw new IllegalStateException(url + " notifications/initialized answered " + initialized.status()
                        + ": " + initialized.body());
            }
            return id;
        }

        /**
         * Calls {@code tool} with {@code {"text": text}} in session {@code session}.
         *
         * @throws Exception if the call fails or the answer is not 200 with {@code "echo <text>"} and no error
         */
        void echo(String session, String tool, String text) throws Exception {
            Reply r;
            KeepAliveHttp connection = raw;
            if (connection != null && session.equals(lastSession) && tool.equals(lastTool) && text.equals(lastText)) {
                // The same call again: its bytes were encoded once.
                KeepAliveHttp.Answer a = connection.exchange(lastRequest);
                r = new Reply(a.status(), null, a.body());
            } else {
                r = send(
                        session,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                                + "\",\"arguments\":{\"text\":\"" + text + "\"}}}");
                lastSession = session;
                lastTool = tool;
                lastText = text;
            }
            if (r.status() != 200
                    || !r.body().contains("echo " + text)
                    || r.body().contains("\"error\"")
                    || r.body().contains("\"isError\":true")) {
                throw new IllegalStateException(url + " " + tool + " answered " + r.status() + ": " + r.body());
            }
        }

        private record Reply(int status, @Nullable String session, String body) {}

        private Reply send(@Nullable String session, String body) throws Exception {
            lastSession = null; // lastRequest is about to be another message
            List<String> headers = new ArrayList<>(6);
            headers.add("Content-Type: application/json");
            headers.add("Accept: application/json, text/event-stream");
            if (token != null) {
                headers.add("Authorization: Bearer " + token);
            }
            if (session != null) {
                headers.add("Mcp-Session-Id: " + session);
                headers.add("MCP-Protocol-Version: " + PROTOCOL);
            }
            KeepAliveHttp connection = raw;
            if (connection != null) {
                lastRequest = KeepAliveHttp.post(url, headers, body);
                KeepAliveHttp.Answer a = connection.exchange(lastRequest);
                return new Reply(a.status(), a.header("Mcp-Session-Id"), a.body());
            }
            HttpClient client = jdk;
            if (client == null) {
                throw new IllegalStateException("a connection has a raw socket or a JDK client");
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            for (String h : headers) {
                int colon = h.indexOf(':');
                b.header(h.substring(0, colon), h.substring(colon + 2));
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Optional<String> id = r.headers().firstValue("Mcp-Session-Id");
            return new Reply(r.statusCode(), id.orElse(null), r.body());
        }

        @Override
        public void close() {
            KeepAliveHttp connection = raw;
            if (connection != null) {
                connection.close();
            }
        }
    }
}

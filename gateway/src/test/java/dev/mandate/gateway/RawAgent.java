package dev.mandate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An MCP agent speaking raw Streamable HTTP, for what the SDK clients do not expose: sending
 * {@code notifications/cancelled} for a request in flight, and reading a response's SSE events one by one.
 */
final class RawAgent {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().build();
    private final URI url;
    private final String token;
    private final String session;

    RawAgent(String url, String token) throws Exception {
        this(url, token, "{}");
    }

    /** An agent that declares these client capabilities (a JSON object) at initialize. */
    RawAgent(String url, String token, String capabilities) throws Exception {
        this.url = URI.create(url);
        this.token = token;
        HttpResponse<String> init =
                http.send(request("""
                        {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                         "capabilities":%s,"clientInfo":{"name":"raw","version":"1"}}}""".formatted(capabilities), null), HttpResponse.BodyHandlers.ofString());
        if (init.statusCode() != 200) {
            throw new IllegalStateException("initialize failed: " + init.statusCode() + " " + init.body());
        }
        session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    private HttpRequest request(String body, @org.jspecify.annotations.Nullable String sessionId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", "2025-06-18");
        }
        return b.build();
    }

    /** Posts a message and returns the body of the answer. */
    String post(String body) throws Exception {
        return http.send(request(body, session), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Posts a request whose answer is an SSE stream, returned once its first event has arrived. */
    Events stream(String body) throws Exception {
        HttpResponse<InputStream> r = http.send(request(body, session), HttpResponse.BodyHandlers.ofInputStream());
        Events events = new Events(r);
        return events;
    }

    /** Opens the session's GET stream, returned once the gateway has answered with its headers. */
    Events listen() throws Exception {
        HttpRequest get = HttpRequest.newBuilder(url)
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token)
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18")
                .GET()
                .build();
        return new Events(http.send(get, HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** The data events of one SSE response, read as they arrive. */
    static final class Events implements AutoCloseable {
        final HttpResponse<InputStream> response;
        private final BufferedReader reader;

        Events(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        /** The next data event, or null at the end of the stream. */
        @org.jspecify.annotations.Nullable
        JsonNode next() throws IOException {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    return JSON.readTree(data.toString());
                }
            }
            return data.isEmpty() ? null : JSON.readTree(data.toString());
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}

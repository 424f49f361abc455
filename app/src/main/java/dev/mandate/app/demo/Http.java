package dev.mandate.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The demo's HTTP client for the node's REST and OAuth endpoints: JSON or form bodies, JSON answers. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status and JSON body (empty object when there is none). */
    record Answer(int status, JsonNode body) {
        /** The answer's body, or an exception naming the step's request and the node's error, unless 2xx. */
        JsonNode ok(String what) {
            if (status / 100 != 2) {
                throw new MandateException(
                        ErrorCode.INTERNAL,
                        what + " answered " + status + ": "
                                + body.path("message").asText(body.toString()));
            }
            return body;
        }
    }

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Http(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    Answer json(String method, String path, @Nullable Object body, Map<String, String> headers) {
        try {
            return send(method, path, body == null ? null : JSON.writeValueAsString(body), "application/json", headers);
        } catch (IOException e) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "cannot write the body of " + path + ": " + e, e);
        }
    }

    Answer form(String path, Map<String, String> fields, Map<String, String> headers) {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send("POST", path, body, "application/x-www-form-urlencoded", headers);
    }

    private Answer send(
            String method, String path, @Nullable String body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
            } catch (IOException e) {
                json = JSON.createObjectNode();
            }
            return new Answer(r.statusCode(), json == null ? JSON.createObjectNode() : json);
        } catch (IOException e) {
            throw new MandateException(ErrorCode.UNAVAILABLE, method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MandateException(ErrorCode.UNAVAILABLE, method + " " + path + " was interrupted", e);
        }
    }
}

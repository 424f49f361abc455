package dev.mandate.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A small client of a node's REST control plane. Every call sends the admin token; an error answer becomes a
 * {@link MandateException} with the node's error code and message, so the CLI exits with the matching code.
 */
public final class ControlPlaneClient {
    /** The largest answer read from a node. */
    public static final int MAX_RESPONSE_BYTES = 16 << 20;

    private final URI base;
    private final String adminToken;
    private final ObjectMapper json;
    private final HttpClient http;

    /**
     * Creates a client.
     *
     * @param base the node's base URL, e.g. {@code http://127.0.0.1:8080}
     * @param adminToken the admin token; never printed
     * @param json the JSON mapper
     */
    public ControlPlaneClient(URI base, String adminToken, ObjectMapper json) {
        this.base = base;
        this.adminToken = adminToken;
        this.json = json;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
    }

    /**
     * Sends {@code GET path}.
     *
     * @param path the path, e.g. {@code /v1/status}
     * @return the JSON answer
     * @throws MandateException with the node's code, or {@code UNAVAILABLE} if the node cannot be reached
     */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).GET(), path);
    }

    /**
     * Sends {@code POST path} with a JSON body.
     *
     * @param path the path
     * @param body the JSON body
     * @return the JSON answer (an empty object for an empty answer)
     * @throws MandateException with the node's code, or {@code UNAVAILABLE} if the node cannot be reached
     */
    public JsonNode post(String path, Object body) {
        return send(
                HttpRequest.newBuilder(resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))),
                path);
    }

    /**
     * Sends {@code DELETE path}.
     *
     * @param path the path
     * @return the JSON answer (an empty object for an empty answer)
     * @throws MandateException with the node's code, or {@code UNAVAILABLE} if the node cannot be reached
     */
    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).DELETE(), path);
    }

    private URI resolve(String path) {
        return base.resolve(path);
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot encode the request body: " + e.getOriginalMessage());
        }
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(
                    request.header("Authorization", "Bearer " + adminToken)
                            .header("Accept", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "cannot reach the Mandate node at " + base + " (" + e
                            + "); is 'mandate serve' running there? Set --server or MANDATE_SERVER");
        } catch (IllegalArgumentException e) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "cannot call " + base + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MandateException(ErrorCode.UNAVAILABLE, "interrupted while calling " + base + path);
        }
        byte[] body = response.body();
        if (body.length > MAX_RESPONSE_BYTES) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "the answer to " + path + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        JsonNode node = parse(body);
        if (response.statusCode() >= 400) {
            throw toException(response.statusCode(), node, path);
        }
        return node;
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static MandateException toException(int status, JsonNode body, String path) {
        String error = text(body.get("error"));
        String message = text(body.get("message"));
        ErrorCode code = Arrays.stream(ErrorCode.values())
                .filter(c -> c.wireName().equals(error))
                .findFirst()
                .orElse(status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.BAD_REQUEST);
        return new MandateException(
                code,
                message == null
                        ? "the node answered " + status + " to " + path
                        : message
                                + (code == ErrorCode.UNAUTHENTICATED
                                        ? " (the CLI reads the token from --token-file or MANDATE_ADMIN_TOKEN_FILE)"
                                        : ""));
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node == null || node.isNull() || node.asText().isEmpty() ? null : node.asText();
    }
}

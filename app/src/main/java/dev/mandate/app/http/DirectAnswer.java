package dev.mandate.app.http;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link DirectRoute} answers: a status, headers and a JSON body.
 *
 * @param status the HTTP status, 100-599
 * @param headers header names and values besides {@code Content-Type} (always {@code application/json})
 * @param json the body, UTF-8 JSON
 */
// The body is written once and never compared, so the arrays identity semantics do not matter.
@SuppressWarnings("ArrayRecordComponent")
public record DirectAnswer(int status, Map<String, String> headers, byte[] json) {
    /** Validates the status and copies the headers. */
    public DirectAnswer {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100-599, got " + status);
        }
        headers = Map.copyOf(headers);
        Objects.requireNonNull(json, "json");
    }
}

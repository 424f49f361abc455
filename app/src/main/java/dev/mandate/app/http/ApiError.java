package dev.mandate.app.http;

import dev.mandate.core.ErrorCode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the one JSON error shape every endpoint answers with: {@code {"error": "<code>", "message": "..."}}. */
final class ApiError {
    private ApiError() {}

    static void write(Context ctx, ErrorCode code, String message) {
        write(ctx, code.httpStatus(), code.wireName(), message);
    }

    static void write(Context ctx, int status, String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        ctx.status(status).json(body);
    }
}

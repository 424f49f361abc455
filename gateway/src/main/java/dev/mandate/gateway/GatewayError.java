package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import java.util.Locale;

/**
 * The stable JSON-RPC error codes the gateway answers with. Codes are part of the public contract: add, never
 * renumber. The {@code data.code} member of an error carries {@link #wireName()}.
 */
public enum GatewayError {
    /** The body is not JSON. */
    PARSE_ERROR(-32700, ErrorCode.BAD_REQUEST),
    /** The JSON is not a valid JSON-RPC message, or the session or headers are wrong. */
    INVALID_REQUEST(-32600, ErrorCode.BAD_REQUEST),
    /** The method does not exist here. */
    METHOD_NOT_FOUND(-32601, ErrorCode.NOT_FOUND),
    /** The parameters are wrong: unknown tool, bad arguments, value past a limit. */
    BAD_REQUEST(-32602, ErrorCode.BAD_REQUEST),
    /** No credential, or one that does not verify, or a mandate that is not live. */
    UNAUTHENTICATED(-32001, ErrorCode.UNAUTHENTICATED),
    /** Policy denied the call. */
    DENIED(-32003, ErrorCode.FORBIDDEN),
    /** The call needs an approval; {@code data.approvalId} names it. */
    APPROVAL_REQUIRED(-32004, ErrorCode.FORBIDDEN),
    /** The mandate's call budget is spent. */
    BUDGET_EXCEEDED(-32005, ErrorCode.FORBIDDEN),
    /** The upstream MCP server could not be reached or failed. */
    UPSTREAM_UNAVAILABLE(-32006, ErrorCode.UNAVAILABLE),
    /** The call could not be recorded in the audit log, so it was not answered. */
    AUDIT_UNAVAILABLE(-32007, ErrorCode.UNAVAILABLE),
    /** The gateway is at a limit (e.g. {@code gateway.max-sessions}); try again later. */
    OVERLOADED(-32008, ErrorCode.UNAVAILABLE),
    /**
     * The result is labelled above the clearance of the principal the mandate acts for, so it was withheld (the call
     * was not forwarded); the message names the labels and the clearance.
     */
    ABOVE_CLEARANCE(-32011, ErrorCode.FORBIDDEN),
    /** The flow labels the call added could not be written back to the stored mandate, so it was not answered. */
    LABELS_UNAVAILABLE(-32012, ErrorCode.UNAVAILABLE),
    /** The agent cancelled the request ({@code notifications/cancelled}); the upstream was told. */
    CANCELLED(-32800, ErrorCode.BAD_REQUEST),
    /** The session is unknown or expired (HTTP 404); the client must initialize again. */
    SESSION_NOT_FOUND(-32010, ErrorCode.NOT_FOUND),
    /** A bug; details are in the server log under the incident id. */
    INTERNAL(-32603, ErrorCode.INTERNAL);

    private final int jsonRpcCode;
    private final ErrorCode errorCode;

    GatewayError(int jsonRpcCode, ErrorCode errorCode) {
        this.jsonRpcCode = jsonRpcCode;
        this.errorCode = errorCode;
    }

    /**
     * Returns the JSON-RPC {@code error.code}.
     *
     * @return the numeric code
     */
    public int jsonRpcCode() {
        return jsonRpcCode;
    }

    /**
     * Returns Mandate's general error code for this error.
     *
     * @return the error code
     */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /**
     * Returns the name in {@code error.data.code}.
     *
     * @return e.g. {@code approval-required}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

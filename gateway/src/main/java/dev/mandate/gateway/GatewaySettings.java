package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's limits and transport options.
 *
 * @param allowedOrigins browser origins allowed besides loopback ones, e.g. {@code https://console.example.com}
 * @param maxSessions the most live MCP sessions; {@code initialize} past it is refused
 * @param sessionIdleTimeout how long a session lives without a request
 * @param maxMessageBytes the largest JSON-RPC message accepted
 * @param upstreamTimeout how long one upstream request may take
 * @param version the gateway's version, reported in {@code serverInfo}
 */
public record GatewaySettings(
        List<String> allowedOrigins,
        int maxSessions,
        Duration sessionIdleTimeout,
        int maxMessageBytes,
        Duration upstreamTimeout,
        String version) {
    /** The protocol revisions the gateway speaks, newest first. */
    public static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

    /** Checks the limits. */
    public GatewaySettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        if (maxSessions < 1) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "gateway.max-sessions < 1: " + maxSessions);
        }
        if (sessionIdleTimeout.isNegative() || sessionIdleTimeout.isZero()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "gateway.session-idle-timeout must be positive: " + sessionIdleTimeout);
        }
        if (maxMessageBytes < 1024) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "gateway.max-message-bytes < 1024: " + maxMessageBytes);
        }
        if (upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "gateway.upstream-timeout must be positive: " + upstreamTimeout);
        }
    }

    /**
     * Returns settings with the defaults: loopback origins only, 10,000 sessions, 30 minutes idle, 1 MiB messages,
     * 30 s upstream timeout.
     *
     * @param version the gateway's version
     * @return the settings
     */
    public static GatewaySettings defaults(String version) {
        return new GatewaySettings(List.of(), 10_000, Duration.ofMinutes(30), 1 << 20, Duration.ofSeconds(30), version);
    }
}

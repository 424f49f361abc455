package dev.mandate.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The MCP gateway's configuration keys ({@code gateway.*}), validated.
 *
 * @param configFile the YAML file with upstreams and catalog, or null for none
 * @param allowedOrigins browser origins allowed besides loopback ones
 * @param maxSessions the live session limit
 * @param sessionIdleTimeout session idle expiry
 * @param maxMessageBytes the largest JSON-RPC message
 * @param upstreamTimeout the time limit of one upstream request
 */
public record GatewayOptions(
        @Nullable Path configFile,
        List<String> allowedOrigins,
        int maxSessions,
        Duration sessionIdleTimeout,
        int maxMessageBytes,
        Duration upstreamTimeout) {
    /** Copies the list. */
    public GatewayOptions {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    static List<String> origins(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String origin = part.strip();
            if (origin.isEmpty()) {
                continue;
            }
            URI uri = URI.create(origin);
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty())) {
                throw new IllegalArgumentException("not an origin: " + origin);
            }
            out.add(origin);
        }
        return out;
    }
}

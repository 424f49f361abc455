package dev.mandate.app.config;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The validated configuration of one Mandate node. Build it with {@link ConfigLoader}; every field has passed its
 * rule by the time a {@code Config} exists.
 *
 * @param listen where the HTTP server listens
 * @param dataDir the data directory: embedded store, keys, admin token
 * @param storeUrl the JDBC URL of an external store, or null for the embedded H2 file under {@code dataDir}
 * @param storeUser the store user name
 * @param storePassword the store password; never printed
 * @param storeMaxPoolSize the most store connections held open
 * @param shutdownTimeout how long in-flight requests may take to finish on shutdown
 * @param maxRequestBytes the largest request body accepted
 * @param trustDomain the embedded SPIFFE trust domain
 * @param gateway the MCP gateway's options
 */
public record Config(
        HostPort listen,
        Path dataDir,
        @Nullable String storeUrl,
        String storeUser,
        String storePassword,
        int storeMaxPoolSize,
        Duration shutdownTimeout,
        long maxRequestBytes,
        String trustDomain,
        GatewayOptions gateway) {

    @Override
    public String toString() {
        // The password never leaves the process through a log line or an error message.
        return "Config[listen=" + listen + ", dataDir=" + dataDir + ", storeUrl="
                + (storeUrl == null ? "embedded" : storeUrl.replaceAll("(?i)(password=)[^;&]*", "$1***"))
                + ", storeUser=" + storeUser + ", storeMaxPoolSize=" + storeMaxPoolSize + ", shutdownTimeout="
                + shutdownTimeout + ", maxRequestBytes=" + maxRequestBytes + ", trustDomain=" + trustDomain
                + ", gateway="
                + gateway + "]";
    }
}

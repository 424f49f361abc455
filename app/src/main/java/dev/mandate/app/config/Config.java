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
 * @param tls the optional TLS listener
 * @param trustDomain the embedded SPIFFE trust domain
 * @param keysRetiredRetention how long a retired signing key stays published
 * @param svidJwtTtl lifetime of JWT-SVIDs of the embedded trust domain
 * @param svidX509Ttl lifetime of X.509-SVIDs of the embedded trust domain
 * @param joinTokenTtl lifetime of an unused join token
 * @param clockSkew tolerated clock difference when token times are checked
 * @param trustBundleDir directory of other trust domains' bundles, or null for none
 * @param oidcIssuer the accepted OIDC issuer, or null for none
 * @param oidcJwksFile the OIDC issuer's JWKS file, set exactly when {@code oidcIssuer} is
 * @param oidcIssuerDir a directory of OpenID discovery documents of more issuers, or null for none
 * @param oidcAudience the client id OIDC ID tokens must be issued to
 * @param mandates limits of mandates, their tokens, DPoP and the audit log
 * @param credentials the credential backends leases are issued by
 * @param gateway the MCP gateway's options
 * @param replicas how replicas sharing a PostgreSQL store follow each other's changes
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
        TlsOptions tls,
        String trustDomain,
        Duration keysRetiredRetention,
        Duration svidJwtTtl,
        Duration svidX509Ttl,
        Duration joinTokenTtl,
        Duration clockSkew,
        @Nullable Path trustBundleDir,
        @Nullable String oidcIssuer,
        @Nullable Path oidcJwksFile,
        @Nullable Path oidcIssuerDir,
        String oidcAudience,
        MandateSettings mandates,
        CredentialsConfig credentials,
        GatewayOptions gateway,
        ReplicaSettings replicas) {

    @Override
    public String toString() {
        // The password never leaves the process through a log line or an error message.
        return "Config[listen=" + listen + ", dataDir=" + dataDir + ", storeUrl="
                + (storeUrl == null ? "embedded" : storeUrl.replaceAll("(?i)(password=)[^;&]*", "$1***"))
                + ", storeUser=" + storeUser + ", storeMaxPoolSize=" + storeMaxPoolSize + ", shutdownTimeout="
                + shutdownTimeout + ", maxRequestBytes=" + maxRequestBytes + ", tls=" + tls + ", trustDomain="
                + trustDomain
                + ", keysRetiredRetention=" + keysRetiredRetention
                + ", credentials="
                + credentials.backends().stream()
                        .map(CredentialsConfig.Backend::name)
                        .toList()
                + ", gateway="
                + gateway + "]";
    }
}

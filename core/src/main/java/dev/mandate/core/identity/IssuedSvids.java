package dev.mandate.core.identity;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The SVIDs issued to a workload in one request.
 *
 * @param id the workload's SPIFFE ID
 * @param jwtSvid the JWT-SVID, compact
 * @param jwtExpiresAt when the JWT-SVID expires
 * @param x509Chain the X.509-SVID: leaf first, then the CA certificate
 * @param x509ExpiresAt when the X.509-SVID expires
 */
public record IssuedSvids(
        SpiffeId id, String jwtSvid, Instant jwtExpiresAt, List<X509Certificate> x509Chain, Instant x509ExpiresAt) {
    /** Copies the chain. */
    public IssuedSvids {
        x509Chain = List.copyOf(x509Chain);
    }

    @Override
    public String toString() {
        return "IssuedSvids[id=" + id + ", jwtExpiresAt=" + jwtExpiresAt + ", x509ExpiresAt=" + x509ExpiresAt
                + ", jwtSvid=***]";
    }
}

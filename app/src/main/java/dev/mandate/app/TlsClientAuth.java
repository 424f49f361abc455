package dev.mandate.app;

import dev.mandate.app.http.HttpServer;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.identity.WorkloadVerifier;
import dev.mandate.core.oauth.OAuthError;
import dev.mandate.core.oauth.OAuthException;
import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * RFC 8705 {@code tls_client_auth} at the token endpoint: an agent that connects to the TLS listener with its
 * X.509-SVID as client certificate is that SPIFFE ID, without a JWT-SVID. The chain is verified per request against
 * the trust bundles of the moment (trust domain known, chain to one of its X.509 authorities, every certificate valid
 * now, an SVID leaf).
 */
final class TlsClientAuth {
    private final WorkloadVerifier workloads;

    TlsClientAuth(WorkloadVerifier workloads) {
        this.workloads = workloads;
    }

    /**
     * Authenticates the client by its certificate.
     *
     * @param ctx the request
     * @param clientId the {@code client_id} parameter, which must then be the certificate's SPIFFE ID, or null
     * @return the verified SPIFFE ID
     * @throws OAuthException {@code invalid_client} when there is no certificate or it does not verify (naming why),
     *     or when {@code client_id} names another client
     */
    SpiffeId authenticate(Context ctx, @Nullable String clientId) {
        List<X509Certificate> chain = HttpServer.clientChain(ctx);
        if (chain.isEmpty()) {
            throw new OAuthException(
                    OAuthError.INVALID_CLIENT,
                    "no subject_token and no client certificate: send the agent's JWT-SVID as subject_token, or"
                            + " connect to the TLS listener (server.tls.listen) with its X.509-SVID");
        }
        SpiffeId id;
        try {
            id = workloads.verifyX509Svid(chain).id();
        } catch (MandateException e) {
            throw new OAuthException(
                    OAuthError.INVALID_CLIENT, "the client certificate is not a valid X.509-SVID: " + e.getMessage());
        }
        if (clientId != null && !clientId.equals(id.toString())) {
            throw new OAuthException(
                    OAuthError.INVALID_CLIENT, "client_id names another client than the certificate's SPIFFE ID " + id);
        }
        return id;
    }
}

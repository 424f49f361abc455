package dev.mandate.app.http;

import dev.mandate.core.identity.X509SvidVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS listener's trust decision about client certificates, deferred: the handshake accepts any client chain of a
 * sane length (TLS itself still proves that the client holds the leaf's private key), and every request that relies
 * on the certificate verifies it as an X.509-SVID against the trust bundles of that moment ({@code
 * X509SvidVerifier}). So a bundle change or a CA rotation applies without rebuilding the TLS context, and a refused
 * certificate gets an OAuth error naming why (unknown trust domain, expired, untrusted) instead of a bare handshake
 * alert. A client certificate is never trusted by this class alone: it only reaches the request.
 */
final class ClientCertificateTrust extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain.length == 0 || chain.length > X509SvidVerifier.MAX_CHAIN_LENGTH) {
            throw new CertificateException("a client chain has 1 to " + X509SvidVerifier.MAX_CHAIN_LENGTH
                    + " certificates, this one " + chain.length);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the TLS listener is a server; it never checks a server's certificate");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    /** No list of acceptable issuers: a client then sends its certificate whatever its trust domain. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}

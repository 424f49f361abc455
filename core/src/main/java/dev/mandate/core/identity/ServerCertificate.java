package dev.mandate.core.identity;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A TLS server's certificate chain and private key.
 *
 * @param chain leaf first
 * @param key the leaf's private key; never printed
 */
public record ServerCertificate(List<X509Certificate> chain, PrivateKey key) {
    /** Copies the chain and refuses an empty one. */
    public ServerCertificate {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a server certificate chain needs at least its leaf");
        }
    }

    /**
     * Returns when the leaf expires.
     *
     * @return the leaf's notAfter
     */
    public Instant expiresAt() {
        return chain.get(0).getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "ServerCertificate[subject=" + chain.get(0).getSubjectX500Principal() + ", expiresAt=" + expiresAt()
                + ", key=***]";
    }
}

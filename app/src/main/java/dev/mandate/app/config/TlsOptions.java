package dev.mandate.app.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The optional TLS listener's configuration keys ({@code server.tls.*}), validated.
 *
 * @param listen where the TLS listener listens, or null for none
 * @param certFile a PEM certificate chain (leaf first), or null for the node's own X.509-SVID
 * @param keyFile the PEM PKCS#8 private key of {@code certFile}, set exactly when it is
 * @param needClientCertificate true to refuse TLS clients without a certificate, false to only ask for one
 */
public record TlsOptions(
        @Nullable HostPort listen,
        @Nullable Path certFile,
        @Nullable Path keyFile,
        boolean needClientCertificate) {

    static boolean clientAuth(String value) {
        return switch (value) {
            case "want" -> false;
            case "need" -> true;
            default -> throw new IllegalArgumentException("not want or need");
        };
    }
}

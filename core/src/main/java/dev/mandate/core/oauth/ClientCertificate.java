package dev.mandate.core.oauth;

import dev.mandate.core.identity.SpiffeId;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The client certificate a request came with over mutual TLS (RFC 8705): its thumbprint, which is all a
 * certificate-bound token ({@code cnf.x5t#S256}) needs to be matched, and, verified only when asked for, the SPIFFE ID
 * of the X.509-SVID it is — the TLS handshake has already proved that the client holds the certificate's key.
 *
 * @param thumbprint the base64url SHA-256 of the leaf certificate's DER (RFC 8705 §3.1), 43 characters
 * @param identity verifies the chain as an X.509-SVID against the trust bundles of the moment and returns its SPIFFE
 *     ID; throws {@link OAuthException} with {@code invalid_client} naming why it does not verify
 */
public record ClientCertificate(String thumbprint, Supplier<SpiffeId> identity) {
    private static final Pattern THUMBPRINT = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** Checks the thumbprint's form. */
    public ClientCertificate {
        Objects.requireNonNull(thumbprint, "thumbprint");
        Objects.requireNonNull(identity, "identity");
        if (!THUMBPRINT.matcher(thumbprint).matches()) {
            throw new IllegalArgumentException(
                    "a certificate thumbprint must be 43 base64url characters (SHA-256, RFC 8705 §3.1), got '"
                            + (thumbprint.length() > 64 ? thumbprint.substring(0, 64) + "..." : thumbprint) + "'");
        }
    }

    /**
     * Verifies the certificate as an X.509-SVID.
     *
     * @return its SPIFFE ID
     * @throws OAuthException {@code invalid_client} when it is not a valid X.509-SVID now
     */
    public SpiffeId authenticate() {
        return identity.get();
    }
}

package dev.mandate.core.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.util.Objects;
import java.util.Optional;

/**
 * An OpenID Connect issuer whose ID tokens Mandate accepts for human principals.
 *
 * @param issuer the exact {@code iss} value
 * @param keys the issuer's public signing keys (keys with {@code use} {@code enc} are never used)
 * @param audience the client id that must be in an ID token's {@code aud}
 */
public record OidcIssuer(String issuer, JWKSet keys, String audience) {
    /** Validates the fields and drops private parts of the keys. */
    public OidcIssuer {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        if (issuer.isBlank() || audience.isBlank()) {
            throw new IllegalArgumentException("an OIDC issuer needs an issuer and an audience");
        }
        keys = keys.toPublicJWKSet();
    }

    Optional<JWK> key(String kid) {
        return keys.getKeys().stream()
                .filter(k -> kid.equals(k.getKeyID()))
                .filter(k -> !KeyUse.ENCRYPTION.equals(k.getKeyUse()))
                .findFirst();
    }
}

package dev.mandate.core.keys;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.MandateException;

/**
 * Mandate's own signing keys. Mandate tokens, JWT-SVIDs, downstream tokens and audit checkpoints are all signed
 * through this interface so that key rotation happens in one place. Implementations are thread-safe.
 */
public interface SigningKeys {
    /**
     * Signs the claims with the current key. The header carries {@code kid}, {@code alg} and the given {@code typ}.
     *
     * @param claims the claims to sign
     * @param type the JOSE {@code typ} header, e.g. {@code at+jwt}
     * @return the compact serialisation of the signed JWT
     * @throws MandateException with {@code INTERNAL} if signing fails
     */
    String sign(JWTClaimsSet claims, JOSEObjectType type);

    /**
     * Verifies that {@code jwt} was signed by one of Mandate's keys (current or still-published retired ones) and
     * returns its claims. Time, audience and type checks are the caller's.
     *
     * @param jwt a compact JWS
     * @return the verified claims
     * @throws MandateException with {@code UNAUTHENTICATED} if the token is malformed, names an unknown key, uses an
     *     unexpected algorithm or its signature does not verify
     */
    JWTClaimsSet verify(String jwt);

    /**
     * Returns the public keys a verifier needs, as served at {@code /.well-known/jwks.json}.
     *
     * @return the public JWK set; never contains private key material
     */
    JWKSet publicJwks();
}

package dev.mandate.core.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.keys.SigningKeys;
import java.text.ParseException;

/** A fixed ES256 key standing in for the node's rotating keys in tests of the parts that sign through {@link SigningKeys}. */
public final class TestSigningKeys implements SigningKeys {
    private final ECKey key;

    /** Generates the key. */
    public TestSigningKeys() {
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String sign(JWTClaimsSet claims, JOSEObjectType type) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(key.getKeyID())
                            .type(type)
                            .build(),
                    claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot sign: " + e.getMessage(), e);
        }
    }

    @Override
    public JWTClaimsSet verify(String jwt) {
        try {
            SignedJWT parsed = SignedJWT.parse(jwt);
            if (!parsed.verify(new ECDSAVerifier(key.toPublicJWK()))) {
                throw new MandateException(ErrorCode.UNAUTHENTICATED, "signature does not verify");
            }
            return parsed.getJWTClaimsSet();
        } catch (ParseException | JOSEException e) {
            throw new MandateException(ErrorCode.UNAUTHENTICATED, "malformed JWT: " + e.getMessage(), e);
        }
    }

    @Override
    public JWKSet publicJwks() {
        return new JWKSet(key.toPublicJWK());
    }
}

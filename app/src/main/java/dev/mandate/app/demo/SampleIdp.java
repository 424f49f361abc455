package dev.mandate.app.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The demo's OpenID provider, for the people agents act for: an ES256 key generated at start, whose public half is
 * the JWKS file the node verifies ID tokens with ({@code oidc.jwks-file}), and ID tokens carrying a person's
 * {@code clearance} claim. The private key stays in memory; nothing is served over the network.
 */
final class SampleIdp {
    /** The issuer ({@code iss}) of the demo's ID tokens, {@code oidc.issuer} of the node. */
    static final String ISSUER = "https://idp.demo.example";

    /** The client id the ID tokens are issued to, {@code oidc.audience} of the node. */
    static final String AUDIENCE = "mandate-demo";

    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private final ECKey key;
    private final Path jwksFile;

    private SampleIdp(ECKey key, Path jwksFile) {
        this.key = key;
        this.jwksFile = jwksFile;
    }

    /**
     * Generates a key and writes its public JWKS to {@code dir/jwks.json}.
     *
     * @throws MandateException if the key cannot be made or the file written
     */
    static SampleIdp create(Path dir) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("demo-idp-1").generate();
            Files.createDirectories(dir);
            Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString(true));
            return new SampleIdp(key, jwks);
        } catch (JOSEException | IOException e) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE, "demo: cannot set up the sample IdP in " + dir + ": " + e, e);
        }
    }

    /** The JWKS file of the IdP's public key. */
    Path jwksFile() {
        return jwksFile;
    }

    /**
     * An ID token for a person, valid for five minutes.
     *
     * @param subject the person ({@code sub})
     * @param clearance the person's clearance ({@code clearance} claim), e.g. {@code confidential}
     */
    @SuppressWarnings("JavaUtilDate") // Nimbus's claims builder takes a Date
    String idToken(String subject, String clearance) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .claim("clearance", clearance)
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "demo: cannot sign an ID token: " + e, e);
        }
        return jwt.serialize();
    }
}

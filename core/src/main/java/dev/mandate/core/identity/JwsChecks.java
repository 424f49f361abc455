package dev.mandate.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The checks every signed token Mandate accepts from outside goes through, in one place so that the JWT-SVID and the
 * OIDC verifier cannot drift apart: size, structure, algorithm allow-list (public-key signatures only), key by
 * {@code kid}, key type matching the algorithm, signature, time window with skew, audience.
 */
final class JwsChecks {
    /** The longest token accepted. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** Public-key signature algorithms; everything else (none, HMAC) is refused before any key is looked at. */
    static final Set<JWSAlgorithm> ALLOWED = Set.of(
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512);

    private JwsChecks() {}

    static SignedJWT parse(String token, String what) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new IdentityException(
                    IdentityFailure.TOO_LARGE, what + " is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.strip());
        } catch (ParseException e) {
            throw new IdentityException(IdentityFailure.MALFORMED, what + " is not a JWT: " + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            throw new IdentityException(IdentityFailure.ALG_NONE, what + " is unsigned (alg none)");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new IdentityException(IdentityFailure.MALFORMED, what + " must be a signed JWT (JWS), not a JWE");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!ALLOWED.contains(alg)) {
            throw new IdentityException(
                    IdentityFailure.ALG_NOT_ALLOWED,
                    what + " is signed with " + alg + "; accepted: ES256/384/512, RS256/384/512, PS256/384/512");
        }
        return signed;
    }

    static JWTClaimsSet claims(SignedJWT jwt, String what) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new IdentityException(IdentityFailure.MALFORMED, what + " has no valid claims: " + e.getMessage());
        }
    }

    static void verifySignature(SignedJWT jwt, Function<String, Optional<JWK>> keys, String what, String keySource) {
        String kid = jwt.getHeader().getKeyID();
        if (kid == null) {
            throw new IdentityException(IdentityFailure.UNKNOWN_KID, what + " names no key (no kid header)");
        }
        JWK key = keys.apply(kid)
                .orElseThrow(() -> new IdentityException(
                        IdentityFailure.UNKNOWN_KID, what + " names key '" + kid + "', which is not in " + keySource));
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
            throw mismatch(what, alg, kid);
        }
        JWSVerifier verifier;
        try {
            if (JWSAlgorithm.Family.EC.contains(alg)) {
                if (!(key instanceof ECKey ec) || !Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
                    throw mismatch(what, alg, kid);
                }
                verifier = new ECDSAVerifier(ec);
            } else {
                if (!(key instanceof RSAKey rsa)) {
                    throw mismatch(what, alg, kid);
                }
                verifier = new RSASSAVerifier(rsa);
            }
            if (!jwt.verify(verifier)) {
                throw new IdentityException(
                        IdentityFailure.BAD_SIGNATURE, what + "'s signature does not verify with key '" + kid + "'");
            }
        } catch (JOSEException e) {
            throw new IdentityException(
                    IdentityFailure.BAD_SIGNATURE,
                    what + " cannot be verified with key '" + kid + "': " + e.getMessage());
        }
    }

    private static IdentityException mismatch(String what, JWSAlgorithm alg, String kid) {
        return new IdentityException(
                IdentityFailure.ALG_MISMATCH,
                what + " uses " + alg + ", which does not fit the type of key '" + kid + "'");
    }

    /** Checks {@code exp} (required), {@code nbf} and {@code iat} against now with skew; returns the expiry. */
    static Instant checkTime(JWTClaimsSet claims, Clock clock, Duration skew, String what) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new IdentityException(IdentityFailure.MALFORMED, what + " has no exp claim");
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw new IdentityException(
                    IdentityFailure.EXPIRED,
                    what + " expired at " + exp.toInstant() + " (allowed clock skew " + skew + ")");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw new IdentityException(
                    IdentityFailure.NOT_YET_VALID,
                    what + " is not valid before " + nbf.toInstant() + " (allowed clock skew " + skew + ")");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
            throw new IdentityException(
                    IdentityFailure.NOT_YET_VALID,
                    what + " was issued in the future, at " + iat.toInstant() + " (allowed clock skew " + skew + ")");
        }
        return exp.toInstant();
    }

    static void checkAudience(JWTClaimsSet claims, String expected, String what) {
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(expected)) {
            throw new IdentityException(
                    IdentityFailure.WRONG_AUDIENCE, what + " is for audience " + aud + ", not '" + expected + "'");
        }
    }
}

package dev.mandate.core.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditDigest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Verifies DPoP proofs (RFC 9449) for the token endpoint and for resource servers: {@code typ: dpop+jwt}, an
 * asymmetric algorithm, a public {@code jwk} in the header that verifies the signature, {@code htm} and {@code htu}
 * matching the request, {@code iat} within a window of now (injected clock), a {@code jti} never seen before within
 * that window (a replay cache bounded in size), and, when an access token accompanies the proof, {@code ath} equal to
 * its SHA-256. Returns the key's JWK SHA-256 thumbprint, to bind ({@code cnf.jkt}) or compare. Thread-safe.
 */
public final class DpopVerifier {
    /** The longest proof accepted. */
    public static final int MAX_PROOF_LENGTH = 8192;

    /** The longest {@code jti} accepted. */
    public static final int MAX_JTI_LENGTH = 256;

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.RS256,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512);
    private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

    private final InstantSource clock;
    private final long windowMillis;
    private final int maxReplayEntries;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>(); // guarded by itself; insertion ≈ time order

    /**
     * Creates a verifier.
     *
     * @param clock the time source
     * @param iatWindow how far a proof's {@code iat} may be from now, either way
     * @param maxReplayEntries the most proof ids remembered; when full of unexpired ids, proofs are refused (fail
     *     closed) until some expire
     * @throws MandateException with {@code BAD_CONFIG} for a non-positive window or size
     */
    public DpopVerifier(InstantSource clock, Duration iatWindow, int maxReplayEntries) {
        if (iatWindow.isNegative() || iatWindow.isZero() || maxReplayEntries < 1) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "dpop.iat-window must be positive and dpop.replay-cache-size at least 1, got " + iatWindow + ", "
                            + maxReplayEntries);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windowMillis = iatWindow.toMillis();
        this.maxReplayEntries = maxReplayEntries;
    }

    /**
     * Verifies a proof.
     *
     * @param proof the {@code DPoP} header value
     * @param method the request's HTTP method
     * @param uri the request's URI (query and fragment are ignored, as RFC 9449 says)
     * @param accessToken the access token sent with it, or null at the token endpoint
     * @return the proof key's JWK SHA-256 thumbprint (base64url)
     * @throws OAuthException with {@code INVALID_DPOP_PROOF} naming the check that failed
     */
    public String verify(String proof, String method, URI uri, @Nullable String accessToken) {
        if (proof.length() > MAX_PROOF_LENGTH) {
            throw bad("the proof is longer than " + MAX_PROOF_LENGTH + " characters");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(proof);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw bad("the proof is not a signed JWT");
        }
        if (!TYPE.equals(jwt.getHeader().getType())) {
            throw bad("the proof's typ must be dpop+jwt");
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw bad("the proof's alg " + alg + " is not one of ES256, ES384, ES512, RS256, PS256, PS384, PS512");
        }
        JWK jwk = jwt.getHeader().getJWK();
        if (jwk == null || jwk.isPrivate()) {
            throw bad("the proof's header must carry the public key as jwk (and no private key)");
        }
        try {
            JWSVerifier verifier = switch (jwk) {
                case ECKey ec -> new ECDSAVerifier(ec);
                case RSAKey rsa -> new RSASSAVerifier(rsa);
                default -> throw bad("the proof's jwk must be an EC or RSA key");
            };
            if (!jwt.verify(verifier)) {
                throw bad("the proof's signature does not verify with its jwk");
            }
        } catch (JOSEException e) {
            throw bad("the proof's signature cannot be checked: " + e.getMessage());
        }
        if (!method.equals(claimString(claims, "htm"))) {
            throw bad("the proof's htm is " + claimString(claims, "htm") + " but the request is " + method);
        }
        String htu = claimString(claims, "htu");
        if (htu == null || !stripQuery(htu).equals(stripQuery(uri.toString()))) {
            throw bad("the proof's htu " + htu + " is not the request's URI " + stripQuery(uri.toString()));
        }
        Date iatDate = claims.getIssueTime();
        java.time.Instant iat = iatDate == null ? null : iatDate.toInstant();
        long now = clock.millis();
        if (iat == null || Math.abs(now - iat.toEpochMilli()) > windowMillis) {
            throw bad("the proof's iat "
                    + (iat == null ? "is missing" : iat + " is more than " + windowMillis + " ms from now"));
        }
        if (accessToken != null) {
            String ath = claimString(claims, "ath");
            if (ath == null) {
                throw bad("the proof carries no ath: a proof sent with an access token must carry the token's hash"
                        + " (RFC 9449 §4.2)");
            }
            if (!MessageDigest.isEqual(
                    ath.getBytes(StandardCharsets.US_ASCII), athOf(accessToken).getBytes(StandardCharsets.US_ASCII))) {
                throw bad("the proof's ath does not match the access token's hash");
            }
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            throw bad("the proof needs a jti of 1-" + MAX_JTI_LENGTH + " characters");
        }
        String jkt;
        try {
            jkt = jwk.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw bad("the proof's jwk has no thumbprint: " + e.getMessage());
        }
        remember(jkt + " " + jti, now);
        return jkt;
    }

    private void remember(String key, long now) {
        synchronized (seen) {
            for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
                if (it.next().getValue() > now) {
                    break;
                }
                it.remove();
            }
            if (seen.containsKey(key)) {
                throw bad("the proof's jti was already used (replay)");
            }
            if (seen.size() >= maxReplayEntries) {
                throw new OAuthException(
                        OAuthError.INVALID_DPOP_PROOF,
                        "too many DPoP proofs within the window (dpop.replay-cache-size " + maxReplayEntries
                                + "); retry shortly");
            }
            // A proof stays replayable only while its iat is acceptable: at most two windows from now.
            seen.put(key, now + 2 * windowMillis);
        }
    }

    /**
     * Returns the {@code ath} value for an access token: base64url(SHA-256(token)).
     *
     * @param accessToken the token
     * @return the hash
     */
    public static String athOf(String accessToken) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256")
                            .digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static @Nullable String claimString(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : null;
    }

    private static String stripQuery(String uri) {
        try {
            URI u = new URI(uri);
            return new URI(u.getScheme(), u.getAuthority(), u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "invalid:" + AuditDigest.of(uri);
        }
    }

    private static OAuthException bad(String why) {
        return new OAuthException(OAuthError.INVALID_DPOP_PROOF, why);
    }
}

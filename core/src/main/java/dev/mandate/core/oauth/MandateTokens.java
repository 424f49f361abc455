package dev.mandate.core.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditDigest;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.core.mandate.Mandate;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Issues and verifies mandate tokens: JWT access tokens (RFC 9068, {@code typ: at+jwt}) signed through
 * {@link SigningKeys}. Claims: {@code iss sub aud iat exp jti client_id scope}, plus {@code mdt} (mandate id),
 * {@code purp} (purpose), {@code tier}, {@code obo} (the principal, when there is one), {@code act} (for a delegated
 * mandate: the agents it was delegated from, nearest first, nested as RFC 8693 actor claims) and {@code cnf.jkt} (the
 * DPoP key thumbprint, when bound). The token expires at the earlier of its own ttl and its mandate's expiry.
 */
public final class MandateTokens {
    /** The longest token accepted anywhere a mandate token is read. */
    public static final int MAX_TOKEN_LENGTH = 8192;

    /** The JOSE {@code typ} of mandate tokens. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

    /**
     * A token just issued.
     *
     * @param token the compact JWT
     * @param jti its id
     * @param issuedAt when it was issued
     * @param expires when it expires
     */
    public record Issued(String token, String jti, Instant issuedAt, Instant expires) {}

    /**
     * The verified content of a mandate token.
     *
     * @param mandateId the mandate it carries
     * @param subject the agent holding it
     * @param jkt the DPoP key thumbprint it is bound to ({@code cnf.jkt}), or null
     * @param x5t the SHA-256 thumbprint of the client certificate it is bound to ({@code cnf.x5t#S256}, RFC 8705
     *     §3.1), or null
     * @param expires when it expires
     * @param claims every claim
     */
    public record Verified(
            String mandateId,
            String subject,
            @Nullable String jkt,
            @Nullable String x5t,
            Instant expires,
            JWTClaimsSet claims) {
        /**
         * Whether the token is bound to a key its holder must prove (DPoP or a client certificate).
         *
         * @return true unless it is a bearer token
         */
        public boolean bound() {
            return jkt != null || x5t != null;
        }
    }

    /** The confirmation member of a certificate-bound token (RFC 8705 §3.1). */
    public static final String X5T_S256 = "x5t#S256";

    /**
     * The RFC 8705 §3.1 thumbprint of a certificate: base64url (no padding) of the SHA-256 of its DER encoding.
     *
     * @param certificate the certificate
     * @return the thumbprint, 43 characters
     * @throws MandateException with {@code BAD_REQUEST} if the certificate cannot be encoded
     */
    public static String certificateThumbprint(X509Certificate certificate) {
        try {
            byte[] der = certificate.getEncoded();
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (CertificateEncodingException e) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "the client certificate cannot be DER-encoded: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The most verified tokens remembered; past it, expired ones are dropped and new ones are not remembered. */
    public static final int MAX_REMEMBERED = 20_000;

    private final SigningKeys keys;
    private final InstantSource clock;
    // Verified tokens by SHA-256 of their text: every MCP request presents its mandate token again, and a signature
    // check per request cost more than the rest of authentication. Only successes are remembered, never past exp.
    private final ConcurrentHashMap<String, Verified> remembered = new ConcurrentHashMap<>();
    private final Supplier<String> issuer;
    private final String audience;

    /**
     * Creates the issuer.
     *
     * @param keys the signing keys
     * @param clock the time source
     * @param issuer the {@code iss} of every token (the authorization server's URL; known once the server listens)
     * @param audience the {@code aud} of every token (the resource servers')
     */
    public MandateTokens(SigningKeys keys, InstantSource clock, Supplier<String> issuer, String audience) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audience = Objects.requireNonNull(audience, "audience");
    }

    /**
     * Returns the issuer name.
     *
     * @return the {@code iss}
     */
    public String issuer() {
        return issuer.get();
    }

    /**
     * Returns the audience of every token.
     *
     * @return the {@code aud}
     */
    public String audience() {
        return audience;
    }

    /**
     * Issues a token for a mandate.
     *
     * @param mandate the mandate
     * @param ttl how long the token lives at most
     * @param jkt the DPoP key thumbprint to bind it to, or null for a bearer token
     * @param actors the agents it was delegated from, nearest first (empty for a root mandate)
     * @return the token
     * @throws MandateException with {@code INTERNAL} if signing fails
     */
    public Issued issue(Mandate mandate, Duration ttl, @Nullable String jkt, List<String> actors) {
        return issue(mandate, ttl, jkt, null, actors);
    }

    /**
     * Issues a token for a mandate, bound to a DPoP key, a client certificate or nothing. A DPoP key wins: when both
     * are given the token is bound to the key only.
     *
     * @param mandate the mandate
     * @param ttl how long the token lives at most
     * @param jkt the DPoP key thumbprint to bind it to ({@code cnf.jkt}), or null
     * @param x5t the client certificate thumbprint to bind it to ({@code cnf.x5t#S256}), or null
     * @param actors the agents it was delegated from, nearest first (empty for a root mandate)
     * @return the token
     * @throws MandateException with {@code INTERNAL} if signing fails
     */
    public Issued issue(
            Mandate mandate, Duration ttl, @Nullable String jkt, @Nullable String x5t, List<String> actors) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        if (mandate.expires().isBefore(exp)) {
            exp = mandate.expires();
        }
        String jti = dev.mandate.core.keys.RandomIds.next128();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer.get())
                .subject(mandate.agent().toString())
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(jti)
                .claim("client_id", mandate.agent().toString())
                .claim("scope", String.join(" ", mandate.tools()))
                .claim("mdt", mandate.id())
                .claim("purp", mandate.purpose())
                .claim("tier", mandate.tier().wireName());
        if (mandate.onBehalfOf() != null) {
            claims.claim("obo", mandate.onBehalfOf());
        }
        Map<String, Object> act = null;
        for (int i = actors.size() - 1; i >= 0; i--) {
            Map<String, Object> outer = new LinkedHashMap<>();
            outer.put("sub", actors.get(i));
            if (act != null) {
                outer.put("act", act);
            }
            act = outer;
        }
        if (act != null) {
            claims.claim("act", act);
        }
        if (jkt != null) {
            claims.claim("cnf", Map.of("jkt", jkt));
        } else if (x5t != null) {
            claims.claim("cnf", Map.of(X5T_S256, x5t));
        }
        return new Issued(keys.sign(claims.build(), TYPE), jti, now, exp);
    }

    /**
     * Verifies a mandate token: size, signature by a Mandate key, {@code typ}, issuer, audience, expiry, and the
     * presence of {@code mdt}. Whether its mandate is still live is the caller's check. A token verified before is
     * remembered (by digest, until its {@code exp}) and not checked again.
     *
     * @param token the compact JWT
     * @return its verified content
     * @throws OAuthException with {@code INVALID_TOKEN} naming what failed
     */
    public Verified verify(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw invalid("the token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        String digest = AuditDigest.of(token);
        Verified known = remembered.get(digest);
        Instant now = clock.instant();
        if (known != null) {
            if (now.isBefore(known.expires())
                    && issuer.get().equals(known.claims().getIssuer())) {
                return known;
            }
            remembered.remove(digest, known);
        }
        Verified verified = verifyAfresh(token);
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.values().removeIf(v -> !now.isBefore(v.expires()));
        }
        if (remembered.size() < MAX_REMEMBERED) {
            remembered.put(digest, verified);
        }
        return verified;
    }

    private Verified verifyAfresh(String token) {
        JWTClaimsSet claims;
        try {
            JOSEObjectType typ = SignedJWT.parse(token).getHeader().getType();
            if (!TYPE.equals(typ)) {
                throw invalid("the token's typ is " + typ + ", not at+jwt: it is not a mandate token");
            }
            claims = keys.verify(token);
        } catch (ParseException e) {
            throw invalid("the token is not a signed JWT");
        } catch (OAuthException e) {
            throw e;
        } catch (MandateException e) {
            throw invalid("the token's signature does not verify: " + e.getMessage());
        }
        if (!issuer.get().equals(claims.getIssuer())) {
            throw invalid("the token's issuer is " + claims.getIssuer() + ", not " + issuer.get());
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            throw invalid("the token's audience " + claims.getAudience() + " does not include " + audience);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !clock.instant().isBefore(exp.toInstant())) {
            throw invalid("the token expired at " + (exp == null ? "?" : exp.toInstant()));
        }
        Object mdt = claims.getClaim("mdt");
        String sub = claims.getSubject();
        if (!(mdt instanceof String mandateId) || sub == null) {
            throw invalid("the token carries no mandate (claim mdt) or no subject");
        }
        String jkt = null;
        String x5t = null;
        Object cnf = claims.getClaim("cnf");
        if (cnf instanceof Map<?, ?> m) {
            if (m.get("jkt") instanceof String s) {
                jkt = s;
            }
            if (m.get(X5T_S256) instanceof String s) {
                x5t = s;
            }
            if (jkt == null && x5t == null) {
                // Fail closed: a confirmation this node does not understand must not become a bearer token.
                throw invalid("the token's cnf claim names neither jkt nor " + X5T_S256);
            }
        } else if (cnf != null) {
            throw invalid("the token's cnf claim is not a JSON object");
        }
        return new Verified(mandateId, sub, jkt, x5t, exp.toInstant(), claims);
    }

    private static OAuthException invalid(String why) {
        return new OAuthException(OAuthError.INVALID_TOKEN, why);
    }
}

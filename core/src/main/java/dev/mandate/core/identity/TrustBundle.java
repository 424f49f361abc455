package dev.mandate.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The trust bundle of one SPIFFE trust domain, in the SPIFFE trust-bundle format: a JWK set whose keys say by their
 * {@code use} whether they are JWT-SVID signing keys ({@code jwt-svid}, {@code kid} required) or X.509 authorities
 * ({@code x509-svid}, exactly one certificate in {@code x5c}, {@code kid} optional). Keys with another or no
 * {@code use} are ignored, as the format requires.
 *
 * @param trustDomain the trust domain name
 * @param jwtAuthorities public keys that sign JWT-SVIDs, each with a {@code kid}
 * @param x509Authorities certificates that sign X.509-SVIDs
 * @param sequence the {@code spiffe_sequence} number, or 0 if absent
 */
public record TrustBundle(
        String trustDomain, List<JWK> jwtAuthorities, List<X509Certificate> x509Authorities, long sequence) {
    /** The {@code use} of a JWT-SVID signing key. */
    public static final KeyUse JWT_SVID = new KeyUse("jwt-svid");
    /** The {@code use} of an X.509 authority. */
    public static final KeyUse X509_SVID = new KeyUse("x509-svid");
    /** The largest bundle document parsed. */
    public static final int MAX_BUNDLE_BYTES = 1 << 20;

    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

    /** Validates the trust domain and that every JWT authority is public and has a key id. */
    public TrustBundle {
        if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "invalid trust domain '" + trustDomain + "': a-z 0-9 . - _ only");
        }
        jwtAuthorities = List.copyOf(jwtAuthorities);
        x509Authorities = List.copyOf(x509Authorities);
        for (JWK k : jwtAuthorities) {
            if (k.getKeyID() == null || k.isPrivate()) {
                throw new IllegalArgumentException("a JWT authority needs a kid and must be a public key");
            }
        }
    }

    /**
     * Parses a bundle document.
     *
     * @param trustDomain the trust domain it is for
     * @param json the document
     * @return the bundle
     * @throws MandateException with {@code BAD_CONFIG} naming the trust domain and what is wrong
     */
    public static TrustBundle parse(String trustDomain, String json) {
        if (json.length() > MAX_BUNDLE_BYTES) {
            throw bad(trustDomain, "it is larger than " + MAX_BUNDLE_BYTES + " bytes");
        }
        JWKSet set;
        long sequence;
        try {
            Map<String, Object> object = JSONObjectUtils.parse(json);
            sequence = object.get("spiffe_sequence") == null ? 0 : JSONObjectUtils.getLong(object, "spiffe_sequence");
            set = JWKSet.parse(object);
        } catch (ParseException e) {
            throw bad(trustDomain, "it is not a JWK set: " + e.getMessage());
        }
        List<JWK> jwt = new ArrayList<>();
        List<X509Certificate> x509 = new ArrayList<>();
        for (JWK key : set.getKeys()) {
            KeyUse use = key.getKeyUse();
            if (JWT_SVID.equals(use)) {
                if (key.getKeyID() == null) {
                    throw bad(trustDomain, "a jwt-svid key has no kid");
                }
                if (key.isPrivate()) {
                    throw bad(trustDomain, "jwt-svid key '" + key.getKeyID() + "' holds a private key");
                }
                jwt.add(key);
            } else if (X509_SVID.equals(use)) {
                List<X509Certificate> chain = key.getParsedX509CertChain();
                if (chain == null || chain.size() != 1) {
                    throw bad(trustDomain, "an x509-svid key must carry exactly one certificate in x5c");
                }
                x509.add(chain.get(0));
            }
        }
        return new TrustBundle(trustDomain, jwt, x509, sequence);
    }

    /**
     * Finds a JWT authority by key id.
     *
     * @param kid the key id
     * @return the key, or empty
     */
    public Optional<JWK> jwtAuthority(String kid) {
        return jwtAuthorities.stream().filter(k -> kid.equals(k.getKeyID())).findFirst();
    }

    /**
     * Returns the bundle as a SPIFFE bundle document.
     *
     * @param refreshHintSeconds the {@code spiffe_refresh_hint} to advertise, or null for none
     * @return the JSON document
     * @throws MandateException with {@code INTERNAL} if an authority cannot be encoded
     */
    public String toJson(@Nullable Long refreshHintSeconds) {
        List<JWK> keys = new ArrayList<>();
        for (JWK k : jwtAuthorities) {
            keys.add(k.toPublicJWK());
        }
        for (X509Certificate cert : x509Authorities) {
            keys.add(authorityJwk(cert));
        }
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("spiffe_sequence", sequence);
        if (refreshHintSeconds != null) {
            members.put("spiffe_refresh_hint", refreshHintSeconds);
        }
        return new JWKSet(keys, members).toString(true);
    }

    private static JWK authorityJwk(X509Certificate cert) {
        try {
            JWK parsed = JWK.parse(cert);
            if (parsed instanceof ECKey ec) {
                return new ECKey.Builder(ec).keyUse(X509_SVID).build();
            }
            if (parsed instanceof RSAKey rsa) {
                return new RSAKey.Builder(rsa).keyUse(X509_SVID).build();
            }
            throw new MandateException(ErrorCode.INTERNAL, "an X.509 authority must have an EC or RSA key");
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot encode an X.509 authority: " + e.getMessage(), e);
        }
    }

    private static MandateException bad(String trustDomain, String why) {
        Objects.requireNonNull(trustDomain);
        return new MandateException(
                ErrorCode.BAD_CONFIG, "the trust bundle of trust domain '" + trustDomain + "' is invalid: " + why);
    }
}

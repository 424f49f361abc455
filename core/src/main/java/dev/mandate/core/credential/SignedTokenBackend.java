package dev.mandate.core.credential;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.keys.SigningKeys;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Signed downstream tokens: a short-lived JWT ({@code typ at+jwt}) for one downstream HTTP API, signed with Mandate's
 * own keys and so verifiable from Mandate's JWKS. Claims: {@code iss}, {@code sub} (the agent), {@code aud} (the API),
 * {@code scope} (from the lease's scope template), {@code iat}, {@code nbf}, {@code exp} (the lease's expiry, capped at
 * the configured maximum lifetime), {@code jti} (the lease id), {@code mdt} (the mandate) and {@code act} (RFC 8693
 * actor: the agent) for attribution.
 *
 * <p>A signed token cannot be recalled: {@link #revoke} has nothing to delete, and the token stays verifiable until its
 * short {@code exp}. Revocation before that is enforced by downstreams that check the lease ({@code jti}) or the
 * mandate ({@code mdt}) is still live. Tokens cannot be extended either; renewal means a new lease.
 */
public final class SignedTokenBackend implements CredentialBackend {
    /** The longest lifetime a downstream token may be configured with. */
    public static final Duration MAX_LIFETIME_LIMIT = Duration.ofHours(1);

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    // RFC 6749 section 3.3: scope tokens of %x21 / %x23-5B / %x5D-7E, separated by single spaces.
    private static final Pattern OAUTH_SCOPE =
            Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*");
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final String name;
    private final String issuer;
    private final String audience;
    private final Map<String, String> scopes;
    private final Duration maxLifetime;
    private final SigningKeys keys;
    private final InstantSource clock;

    /**
     * Creates a backend.
     *
     * @param name the backend's configured name
     * @param issuer the {@code iss} claim: Mandate's issuer URL
     * @param audience the {@code aud} claim: the downstream API's identifier (an absolute URI)
     * @param scopeTemplates scope name to the OAuth scope string the token carries, e.g. {@code read -> tickets:read}
     * @param maxLifetime the longest a token lives, at most {@link #MAX_LIFETIME_LIMIT}
     * @param keys Mandate's signing keys
     * @param clock the time source for {@code iat}, {@code nbf} and the lifetime cap
     * @throws MandateException with {@code BAD_CONFIG} naming the key of a bad audience, scope or lifetime
     */
    public SignedTokenBackend(
            String name,
            String issuer,
            String audience,
            Map<String, String> scopeTemplates,
            Duration maxLifetime,
            SigningKeys keys,
            InstantSource clock) {
        String prefix = "credentials.backends." + name;
        if (!NAME.matcher(name).matches()) {
            throw new MandateException(ErrorCode.BAD_CONFIG, prefix + ": backend names must match " + NAME.pattern());
        }
        if (!isAbsoluteUri(audience)) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, prefix + ".audience: '" + audience + "' must be an absolute URI");
        }
        if (maxLifetime.isNegative() || maxLifetime.isZero() || maxLifetime.compareTo(MAX_LIFETIME_LIMIT) > 0) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    prefix + ".max-lifetime: " + maxLifetime + " must be positive and at most " + MAX_LIFETIME_LIMIT);
        }
        if (scopeTemplates.isEmpty()) {
            throw new MandateException(ErrorCode.BAD_CONFIG, prefix + ".scopes: at least one scope is needed");
        }
        Map<String, String> checked = new TreeMap<>();
        for (Map.Entry<String, String> e : scopeTemplates.entrySet()) {
            String key = prefix + ".scopes." + e.getKey();
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new MandateException(ErrorCode.BAD_CONFIG, key + ": scope names must match " + NAME.pattern());
            }
            if (e.getValue().length() > 1000
                    || !OAUTH_SCOPE.matcher(e.getValue()).matches()) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        key + ": '" + e.getValue() + "' must be OAuth scope tokens separated by single spaces"
                                + " (RFC 6749 section 3.3), at most 1000 characters");
            }
            checked.put(e.getKey(), e.getValue());
        }
        this.name = name;
        this.issuer = issuer;
        this.audience = audience;
        this.scopes = checked;
        this.maxLifetime = maxLifetime;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void validateScope(String scope) {
        CredentialBackend.scope(name, "scope", scopes, scope);
    }

    @Override
    public IssuedCredential issue(LeaseRequest request) {
        String oauthScope = CredentialBackend.scope(name, "scope", scopes, request.scope());
        Instant now = clock.instant();
        Instant cap = now.plus(maxLifetime);
        Instant exp = request.expires().isBefore(cap) ? request.expires() : cap;
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(request.agent())
                .audience(audience)
                .claim("scope", oauthScope)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(request.leaseId())
                .claim("mdt", request.mandateId())
                .claim("act", Map.of("sub", request.agent()))
                .build();
        String token = keys.sign(claims, AT_JWT);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("header", "Authorization");
        properties.put("scheme", "Bearer");
        properties.put("audience", audience);
        properties.put("expires", exp.toString());
        return new IssuedCredential(properties, Secret.of(token));
    }

    /** Nothing to delete: the token dies at its short {@code exp}; downstreams that check liveness refuse it now. */
    @Override
    public void revoke(Lease lease) {}

    private static boolean isAbsoluteUri(String text) {
        try {
            return URI.create(text).isAbsolute();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

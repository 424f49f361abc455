package dev.mandate.core.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A rotating set of signing keys of one algorithm — EdDSA (Ed25519) or ES256 (ECDSA P-256) — persisted through a
 * {@link KeyRepository}. One key signs; keys it
 * replaced stay published (and accepted by {@link #verify}) for the retention period, the longest a token they signed
 * can still be valid, and are then deleted. On first use of an empty set a key is generated.
 *
 * <p>Thread-safe: readers see one immutable snapshot; {@link #rotate} is serialised.
 */
public final class RotatingSigningKeys implements SigningKeys {
    /** The longest compact JWS {@link #verify} accepts. */
    public static final int MAX_JWT_LENGTH = 16 * 1024;

    /** The algorithms a key set can sign with. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.ES256);

    /** A key with its signer and verifier built once, since tokens are signed and verified on every request. */
    private record Published(
            JWK key,
            JWSAlgorithm algorithm,
            @Nullable JWSSigner signer,
            JWSVerifier verifier,
            @Nullable Instant retiredAt) {
        String kid() {
            return Objects.requireNonNull(key.getKeyID(), "kid");
        }
    }

    private record State(Published current, List<Published> keys) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyRepository repository;
    private final String keySet;
    private final KeyUse use;
    private final JWSAlgorithm algorithm;
    private final Clock clock;
    private final Duration retention;
    private final AuditSink audit;
    /** The shortest time between two reloads triggered by tokens naming an unknown key. */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(30);

    private volatile State state;
    private volatile Instant lastReload = Instant.MIN;

    private RotatingSigningKeys(
            KeyRepository repository,
            String keySet,
            KeyUse use,
            JWSAlgorithm algorithm,
            Clock clock,
            Duration retention,
            AuditSink audit) {
        this.repository = repository;
        this.keySet = keySet;
        this.use = use;
        this.algorithm = algorithm;
        this.clock = clock;
        this.retention = retention;
        this.audit = audit;
        this.state = load();
    }

    /**
     * Opens a key set, generating its first key if it has none.
     *
     * @param repository where the keys live
     * @param keySet the set's name, e.g. {@code mandate}
     * @param use the {@code use} published with each key, e.g. {@code sig} or {@code jwt-svid}
     * @param algorithm the algorithm new keys sign with, one of {@link #ALGORITHMS}; when the current stored key is of
     *     another algorithm, a new key replaces it (the old one keeps verifying for the retention period)
     * @param clock the time source
     * @param retention how long a retired key stays published: at least the longest lifetime of a token it signs
     * @param audit where key creation and rotation are recorded
     * @return the open key set
     * @throws MandateException with {@code UNAVAILABLE} if the store or the audit log cannot be used, {@code INTERNAL}
     *     if a stored key cannot be read
     */
    public static RotatingSigningKeys open(
            KeyRepository repository,
            String keySet,
            KeyUse use,
            JWSAlgorithm algorithm,
            Clock clock,
            Duration retention,
            AuditSink audit) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException(
                    "key set '" + keySet + "': algorithm " + algorithm + " is not one of " + ALGORITHMS);
        }
        return new RotatingSigningKeys(repository, keySet, use, algorithm, clock, retention, audit);
    }

    private State load() {
        List<StoredKey> stored = repository.load(keySet);
        if (stored.stream().noneMatch(k -> k.retiredAt() == null)) {
            add("system", "first start: no signing key yet");
            return snapshot(repository.load(keySet));
        }
        State loaded = snapshot(stored);
        if (!loaded.current().algorithm().equals(algorithm)) {
            add("system", "signing algorithm changed from " + loaded.current().algorithm() + " to " + algorithm);
            return snapshot(repository.load(keySet));
        }
        return loaded;
    }

    private State snapshot(List<StoredKey> stored) {
        Published current = null;
        Instant currentCreated = Instant.MIN;
        List<Published> keys = new ArrayList<>();
        for (StoredKey k : stored) {
            Published key = parse(k);
            keys.add(key);
            // Two nodes starting at once may both add a key; the newest unretired one signs, the other stays published.
            if (k.retiredAt() == null && !k.createdAt().isBefore(currentCreated)) {
                current = key;
                currentCreated = k.createdAt();
            }
        }
        if (current == null) {
            throw new MandateException(ErrorCode.INTERNAL, "key set '" + keySet + "' has no current key");
        }
        return new State(current, List.copyOf(keys));
    }

    private Published parse(StoredKey k) {
        try {
            JWK key = JWK.parse(k.privateJwk());
            return switch (key) {
                case ECKey ec
                when Curve.P_256.equals(ec.getCurve()) ->
                    new Published(
                            ec,
                            JWSAlgorithm.ES256,
                            new ECDSASigner(ec),
                            new ECDSAVerifier(ec.toECPublicKey()),
                            k.retiredAt());
                case OctetKeyPair okp
                when Curve.Ed25519.equals(okp.getCurve()) -> {
                    Ed25519Jws jws = Ed25519Jws.of(okp);
                    yield new Published(okp, JWSAlgorithm.EdDSA, jws, jws, k.retiredAt());
                }
                default -> throw notSigningKey(k);
            };
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            throw notSigningKey(k);
        }
    }

    private MandateException notSigningKey(StoredKey k) {
        // The message never includes the JWK text: it holds the private key.
        return new MandateException(
                ErrorCode.INTERNAL,
                "stored key '" + k.kid() + "' of key set '" + keySet
                        + "' is not a P-256 EC or Ed25519 OKP private JWK");
    }

    private String add(String actor, String reason) {
        JWK key;
        try {
            key = JWSAlgorithm.EdDSA.equals(algorithm)
                    ? Ed25519Jws.generate(use, RANDOM)
                    : new ECKeyGenerator(Curve.P_256)
                            .keyUse(use)
                            .algorithm(JWSAlgorithm.ES256)
                            .keyIDFromThumbprint(true)
                            .generate();
        } catch (JOSEException e) {
            throw new MandateException(
                    ErrorCode.INTERNAL, "cannot generate a " + algorithm + " key: " + e.getMessage(), e);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String kid = Objects.requireNonNull(key.getKeyID(), "thumbprint kid");
        audit.record(
                new AuditEntry("key.rotated", actor, keySet, reason, Map.of("kid", kid, "alg", algorithm.getName())));
        repository.rotate(keySet, new StoredKey(kid, key.toJSONString(), now, null));
        return kid;
    }

    /**
     * Generates a new current key; the previous one keeps verifying and stays published for the retention period.
     * Keys retired longer ago than that are deleted.
     *
     * @param actor who asked, for the audit log
     * @return the new key's id
     * @throws MandateException with {@code UNAVAILABLE} if the store or audit log cannot be written
     */
    public synchronized String rotate(String actor) {
        String kid = add(actor, "rotation");
        repository.removeRetiredBefore(keySet, clock.instant().minus(retention));
        state = snapshot(repository.load(keySet));
        return kid;
    }

    /**
     * Returns the id of the key that signs now.
     *
     * @return the current key id
     */
    public String currentKid() {
        return state.current().kid();
    }

    /**
     * Returns the algorithm new keys of this set sign with.
     *
     * @return {@code EdDSA} or {@code ES256}
     */
    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public String sign(JWTClaimsSet claims, JOSEObjectType type) {
        Published current = state.current();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(current.algorithm())
                        .keyID(current.kid())
                        .type(type)
                        .build(),
                claims);
        try {
            jwt.sign(Objects.requireNonNull(current.signer(), "the current key signs"));
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot sign with key '" + current.kid() + "'", e);
        }
        return jwt.serialize();
    }

    @Override
    public JWTClaimsSet verify(String jwt) {
        if (jwt.length() > MAX_JWT_LENGTH) {
            throw unauthenticated("the token is longer than " + MAX_JWT_LENGTH + " characters");
        }
        SignedJWT parsed;
        try {
            parsed = SignedJWT.parse(jwt);
        } catch (ParseException e) {
            throw unauthenticated("the token is not a signed JWT: " + e.getMessage());
        }
        JWSAlgorithm alg = parsed.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw unauthenticated("the token is signed with " + alg + "; Mandate's keys sign only with " + ALGORITHMS);
        }
        String kid = parsed.getHeader().getKeyID();
        Published key =
                kid == null ? null : publishedKey(kid).or(() -> reloadFor(kid)).orElse(null);
        if (key == null) {
            throw unauthenticated("the token names key '" + kid + "', which is not one of Mandate's published keys");
        }
        if (!key.algorithm().equals(alg)) {
            // Algorithm confusion: the header must name the algorithm of the key it names.
            throw unauthenticated(
                    "the token is signed with " + alg + " but key '" + kid + "' is a " + key.algorithm() + " key");
        }
        try {
            if (!parsed.verify(key.verifier())) {
                throw unauthenticated("the token's signature does not verify with key '" + kid + "'");
            }
            return parsed.getJWTClaimsSet();
        } catch (JOSEException | ParseException e) {
            throw unauthenticated("the token cannot be verified: " + e.getMessage());
        }
    }

    /**
     * Reads the key set from the store again, picking up rotations made by other nodes sharing it.
     *
     * @throws MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    public synchronized void reload() {
        lastReload = clock.instant();
        state = snapshot(repository.load(keySet));
    }

    private Optional<Published> reloadFor(String kid) {
        // Another replica may have rotated; look once, but never more often than RELOAD_INTERVAL, so that tokens
        // naming made-up keys cannot turn into a query per request.
        synchronized (this) {
            if (clock.instant().isBefore(lastReload.plus(RELOAD_INTERVAL))) {
                return Optional.empty();
            }
            reload();
        }
        return publishedKey(kid);
    }

    private Optional<Published> publishedKey(String kid) {
        Instant cutoff = clock.instant().minus(retention);
        return state.keys().stream()
                .filter(p -> p.retiredAt() == null || p.retiredAt().isAfter(cutoff))
                .filter(p -> kid.equals(p.kid()))
                .findFirst();
    }

    @Override
    public JWKSet publicJwks() {
        Instant cutoff = clock.instant().minus(retention);
        List<JWK> keys = new ArrayList<>();
        for (Published p : state.keys()) {
            if (p.retiredAt() == null || p.retiredAt().isAfter(cutoff)) {
                keys.add(p.key().toPublicJWK());
            }
        }
        return new JWKSet(keys);
    }

    private static MandateException unauthenticated(String message) {
        return new MandateException(ErrorCode.UNAUTHENTICATED, message);
    }
}

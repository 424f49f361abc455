package dev.mandate.core.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
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
import org.jspecify.annotations.Nullable;

/**
 * A rotating set of ES256 (ECDSA P-256) signing keys persisted through a {@link KeyRepository}. One key signs; keys it
 * replaced stay published (and accepted by {@link #verify}) for the retention period, the longest a token they signed
 * can still be valid, and are then deleted. On first use of an empty set a key is generated.
 *
 * <p>Thread-safe: readers see one immutable snapshot; {@link #rotate} is serialised.
 */
public final class RotatingSigningKeys implements SigningKeys {
    /** The longest compact JWS {@link #verify} accepts. */
    public static final int MAX_JWT_LENGTH = 16 * 1024;

    /** The only algorithm these keys sign and verify with. */
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

    private record Published(ECKey key, @Nullable Instant retiredAt) {}

    private record State(ECKey current, List<Published> keys) {}

    private final KeyRepository repository;
    private final String keySet;
    private final KeyUse use;
    private final Clock clock;
    private final Duration retention;
    private final AuditSink audit;
    /** The shortest time between two reloads triggered by tokens naming an unknown key. */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(30);

    private volatile State state;
    private volatile Instant lastReload = Instant.MIN;

    private RotatingSigningKeys(
            KeyRepository repository, String keySet, KeyUse use, Clock clock, Duration retention, AuditSink audit) {
        this.repository = repository;
        this.keySet = keySet;
        this.use = use;
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
     * @param clock the time source
     * @param retention how long a retired key stays published: at least the longest lifetime of a token it signs
     * @param audit where key creation and rotation are recorded
     * @return the open key set
     * @throws MandateException with {@code UNAVAILABLE} if the store or the audit log cannot be used, {@code INTERNAL}
     *     if a stored key cannot be read
     */
    public static RotatingSigningKeys open(
            KeyRepository repository, String keySet, KeyUse use, Clock clock, Duration retention, AuditSink audit) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        return new RotatingSigningKeys(repository, keySet, use, clock, retention, audit);
    }

    private State load() {
        List<StoredKey> stored = repository.load(keySet);
        if (stored.stream().noneMatch(k -> k.retiredAt() == null)) {
            add("system", "first start: no signing key yet");
            stored = repository.load(keySet);
        }
        return snapshot(stored);
    }

    private State snapshot(List<StoredKey> stored) {
        ECKey current = null;
        Instant currentCreated = Instant.MIN;
        List<Published> keys = new ArrayList<>();
        for (StoredKey k : stored) {
            ECKey key = parse(k);
            keys.add(new Published(key, k.retiredAt()));
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

    private ECKey parse(StoredKey k) {
        try {
            return ECKey.parse(k.privateJwk());
        } catch (ParseException e) {
            // The message never includes the JWK text: it holds the private key.
            throw new MandateException(
                    ErrorCode.INTERNAL, "stored key '" + k.kid() + "' of key set '" + keySet + "' is not an EC JWK");
        }
    }

    private String add(String actor, String reason) {
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256)
                    .keyUse(use)
                    .algorithm(ALGORITHM)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot generate a P-256 key: " + e.getMessage(), e);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String kid = Objects.requireNonNull(key.getKeyID(), "thumbprint kid");
        audit.record(
                new AuditEntry("key.rotated", actor, keySet, reason, Map.of("kid", kid, "alg", ALGORITHM.getName())));
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
        return Objects.requireNonNull(state.current().getKeyID(), "kid");
    }

    @Override
    public String sign(JWTClaimsSet claims, JOSEObjectType type) {
        ECKey current = state.current();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(ALGORITHM)
                        .keyID(current.getKeyID())
                        .type(type)
                        .build(),
                claims);
        try {
            jwt.sign(new ECDSASigner(current));
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot sign with key '" + current.getKeyID() + "'", e);
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
        if (!ALGORITHM.equals(alg)) {
            throw unauthenticated("the token is signed with " + alg + "; Mandate's keys sign only with " + ALGORITHM);
        }
        String kid = parsed.getHeader().getKeyID();
        ECKey key =
                kid == null ? null : publishedKey(kid).or(() -> reloadFor(kid)).orElse(null);
        if (key == null) {
            throw unauthenticated("the token names key '" + kid + "', which is not one of Mandate's published keys");
        }
        try {
            if (!parsed.verify(new ECDSAVerifier(key.toECPublicKey()))) {
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

    private Optional<ECKey> reloadFor(String kid) {
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

    private Optional<ECKey> publishedKey(String kid) {
        Instant cutoff = clock.instant().minus(retention);
        return state.keys().stream()
                .filter(p -> p.retiredAt() == null || p.retiredAt().isAfter(cutoff))
                .map(Published::key)
                .filter(k -> kid.equals(k.getKeyID()))
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

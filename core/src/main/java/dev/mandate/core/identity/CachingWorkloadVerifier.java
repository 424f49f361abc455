package dev.mandate.core.identity;

import dev.mandate.core.audit.AuditDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers JWT-SVIDs that verified, so that an agent presenting the same SVID again — as it does for every mandate it
 * opens during the SVID's lifetime — is not charged a second signature verification. Profiling token exchange put two
 * thirds of its CPU in that ECDSA verification.
 *
 * <p>What is remembered is the verdict for (digest of the token, expected audience); the token itself is not kept. An
 * entry is trusted until the earlier of the SVID's own expiry and {@code maxAge} after it was verified, so a trust
 * bundle change (a key withdrawn) takes effect within {@code maxAge} for SVIDs already seen, and at once for new ones.
 * Failures are never remembered. The cache is bounded; when full, new verdicts are simply not remembered. X.509-SVIDs
 * are always verified.
 */
public final class CachingWorkloadVerifier implements WorkloadVerifier {
    /** The most verdicts remembered. */
    public static final int MAX_ENTRIES = 100_000;

    private record Key(String tokenDigest, String audience) {}

    private record Entry(VerifiedWorkload verified, Instant trustedUntil) {}

    private final WorkloadVerifier delegate;
    private final InstantSource clock;
    private final Duration maxAge;
    private final ConcurrentHashMap<Key, Entry> verdicts = new ConcurrentHashMap<>();

    /**
     * Wraps a verifier.
     *
     * @param delegate the verifier that does the work
     * @param clock the time source
     * @param maxAge the longest a verdict is trusted without verifying again, from 1 second to 10 minutes
     * @throws IllegalArgumentException if {@code maxAge} is out of range
     */
    public CachingWorkloadVerifier(WorkloadVerifier delegate, InstantSource clock, Duration maxAge) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("maxAge must be 1s-10m, got " + maxAge);
        }
        this.maxAge = maxAge;
    }

    @Override
    public VerifiedWorkload verifyJwtSvid(String token, String expectedAudience) {
        Key key = new Key(AuditDigest.of(token), expectedAudience);
        Instant now = clock.instant();
        Entry entry = verdicts.get(key);
        if (entry != null) {
            if (now.isBefore(entry.trustedUntil())) {
                return entry.verified();
            }
            verdicts.remove(key, entry);
        }
        VerifiedWorkload verified = delegate.verifyJwtSvid(token, expectedAudience);
        Instant until = verified.expiresAt().isBefore(now.plus(maxAge)) ? verified.expiresAt() : now.plus(maxAge);
        if (verdicts.size() >= MAX_ENTRIES) {
            verdicts.entrySet().removeIf(e -> !now.isBefore(e.getValue().trustedUntil()));
        }
        if (verdicts.size() < MAX_ENTRIES) {
            verdicts.put(key, new Entry(verified, until));
        }
        return verified;
    }

    @Override
    public VerifiedWorkload verifyX509Svid(List<X509Certificate> chain) {
        return delegate.verifyX509Svid(chain);
    }

    /** Forgets every verdict, for example after the trust bundles changed. */
    public void clear() {
        verdicts.clear();
    }
}

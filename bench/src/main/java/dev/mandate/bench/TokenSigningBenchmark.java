package dev.mandate.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.keys.KeyRepository;
import dev.mandate.core.keys.RotatingSigningKeys;
import dev.mandate.core.keys.StoredKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signing and verifying a mandate token's worth of claims with the node's key set, EdDSA (Ed25519 through
 * BouncyCastle) against ES256 (the JDK's ECDSA P-256) side by side: every token exchange signs once, every gateway
 * request verifies once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenSigningBenchmark {
    /** The key set's algorithm. */
    @Param({"EdDSA", "ES256"})
    public String algorithm = "EdDSA";

    private RotatingSigningKeys keys;
    private JWTClaimsSet claims;
    private String token;

    /** Opens an in-memory key set of the algorithm and signs one token to verify. */
    @Setup
    public void setUp() {
        keys = RotatingSigningKeys.open(
                new MemoryKeys(),
                "mandate",
                KeyUse.SIGNATURE,
                JWSAlgorithm.parse(algorithm),
                Clock.systemUTC(),
                Duration.ofHours(1),
                entry -> {});
        claims = new JWTClaimsSet.Builder()
                .issuer("http://127.0.0.1:8080")
                .subject("spiffe://mandate.local/agent/support-bot")
                .audience("http://127.0.0.1:8080/mcp")
                .jwtID("3f0c2a9e-5b7d-4d1e-9c7a-2b1e8f6d4a10")
                .claim("mdt", "m-01JD8ZQ4X7")
                .claim("purp", "support")
                .claim("tier", "copilot")
                .claim("scope", "crm.read tickets.read")
                .build();
        token = keys.sign(claims, JOSEObjectType.JWT);
    }

    /**
     * Signs one mandate token.
     *
     * @return the token, so the JIT keeps the work
     */
    @Benchmark
    public String sign() {
        return keys.sign(claims, JOSEObjectType.JWT);
    }

    /**
     * Verifies one mandate token.
     *
     * @return its claims, so the JIT keeps the work
     */
    @Benchmark
    public JWTClaimsSet verify() {
        return keys.verify(token);
    }

    /** Keys kept in memory: the benchmark measures signing, not the store. */
    private static final class MemoryKeys implements KeyRepository {
        private final List<StoredKey> keys = new ArrayList<>();

        @Override
        public synchronized List<StoredKey> load(String keySet) {
            return List.copyOf(keys);
        }

        @Override
        public synchronized void rotate(String keySet, StoredKey next) {
            keys.replaceAll(k -> k.retiredAt() == null
                    ? new StoredKey(k.kid(), k.privateJwk(), k.createdAt(), next.createdAt())
                    : k);
            keys.add(next);
        }

        @Override
        public synchronized int removeRetiredBefore(String keySet, Instant cutoff) {
            int before = keys.size();
            keys.removeIf(k -> k.retiredAt() != null && k.retiredAt().isBefore(cutoff));
            return before - keys.size();
        }
    }
}

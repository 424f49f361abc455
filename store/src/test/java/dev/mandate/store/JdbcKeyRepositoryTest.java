package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.keys.RotatingSigningKeys;
import dev.mandate.core.keys.StoredKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class JdbcKeyRepositoryTest {
    @TempDir
    Path dir;

    private final List<AuditEntry> audit = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    /** Opens the same database again, as a restarted node would. */
    private static Database reopen(TestDatabases.Kind kind, Path dir, String pgUrl) {
        return kind == TestDatabases.Kind.H2 ? Database.openEmbedded(dir) : Database.open(pgUrl, "postgres", "", 2);
    }

    private RotatingSigningKeys keys(Database db) {
        return RotatingSigningKeys.open(
                new JdbcKeyRepository(db),
                "mandate",
                KeyUse.SIGNATURE,
                JWSAlgorithm.EdDSA,
                clock,
                Duration.ofHours(1),
                audit::add);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void keysSurviveARestartAndStillVerifyOldTokens(TestDatabases.Kind kind) {
        String pgUrl = TestDatabases.freshPostgresUrl();
        String token;
        String kid;
        try (Database db = reopen(kind, dir, pgUrl)) {
            RotatingSigningKeys keys = keys(db);
            token = keys.sign(new JWTClaimsSet.Builder().subject("a").build(), JOSEObjectType.JWT);
            kid = keys.currentKid();
        }
        try (Database db = reopen(kind, dir, pgUrl)) {
            RotatingSigningKeys keys = keys(db);
            assertThat(keys.currentKid()).isEqualTo(kid);
            assertThat(keys.verify(token).getSubject()).isEqualTo("a");
            keys.rotate("admin");
            assertThat(keys.verify(token).getSubject()).isEqualTo("a");
        }
        try (Database db = reopen(kind, dir, pgUrl)) {
            RotatingSigningKeys keys = keys(db);
            assertThat(keys.currentKid()).isNotEqualTo(kid);
            assertThat(keys.verify(token).getSubject()).isEqualTo("a");
            assertThat(keys.publicJwks().getKeys()).hasSize(2);
        }
        assertThat(audit).extracting(AuditEntry::type).containsExactly("key.rotated", "key.rotated");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void rotateRetiresTheCurrentKeyAndPruneDeletesOnlyOldRetiredKeys(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            JdbcKeyRepository repo = new JdbcKeyRepository(db);
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            repo.rotate("s", new StoredKey("k1", "{}", t0, null));
            repo.rotate("s", new StoredKey("k2", "{}", t0.plusSeconds(60), null));
            repo.rotate("other", new StoredKey("k1", "{}", t0, null));
            assertThat(repo.load("s"))
                    .containsExactly(
                            new StoredKey("k1", "{}", t0, t0.plusSeconds(60)),
                            new StoredKey("k2", "{}", t0.plusSeconds(60), null));
            assertThat(repo.removeRetiredBefore("s", t0.plusSeconds(60))).isZero();
            assertThat(repo.removeRetiredBefore("s", t0.plusSeconds(61))).isOne();
            assertThat(repo.load("s")).extracting(StoredKey::kid).containsExactly("k2");
            assertThat(repo.load("other")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aDuplicateKeyIdIsAConflict(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            JdbcKeyRepository repo = new JdbcKeyRepository(db);
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            repo.rotate("s", new StoredKey("k1", "{}", t0, null));
            assertThatThrownBy(() -> repo.rotate("s", new StoredKey("k1", "{}", t0, null)))
                    .isInstanceOf(MandateException.class)
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            assertThat(repo.load("s"))
                    .as("the failed rotation rolled back")
                    .extracting(StoredKey::retiredAt)
                    .containsOnlyNulls();
        }
    }
}

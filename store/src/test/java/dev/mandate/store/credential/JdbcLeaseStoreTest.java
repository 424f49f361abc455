package dev.mandate.store.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class JdbcLeaseStoreTest {
    enum Kind {
        H2,
        POSTGRESQL
    }

    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00.123Z");

    @TempDir
    Path dir;

    private Database open(Kind kind) {
        return switch (kind) {
            case H2 -> Database.openEmbedded(dir);
            case POSTGRESQL -> Database.open(SecuredPostgres.url(SecuredPostgres.freshDatabase()), "postgres", "", 2);
        };
    }

    private static Lease lease(String id, String mandate, String agent, Instant issued) {
        return new Lease(
                id,
                mandate,
                agent,
                "pg-orders",
                "read-orders",
                issued,
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                issued.plus(Duration.ofMinutes(5)),
                true,
                LeaseState.ACTIVE,
                null);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leaseRoundTripsExactly(Kind kind) {
        try (Database db = open(kind)) {
            JdbcLeaseStore store = new JdbcLeaseStore(db);
            Lease lease = lease("a1", "m1", "spiffe://d/agent/a", T0);

            store.insert(lease);

            assertThat(store.find("a1")).contains(lease);
            assertThat(store.find("missing")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void updateChangesExpiryStateAndReason(Kind kind) {
        try (Database db = open(kind)) {
            JdbcLeaseStore store = new JdbcLeaseStore(db);
            Lease lease = lease("a1", "m1", "spiffe://d/agent/a", T0);
            store.insert(lease);

            Lease changed =
                    lease.withExpires(T0.plus(Duration.ofMinutes(9))).withState(LeaseState.REVOKING, "mandate revoked");
            store.update(changed);

            assertThat(store.find("a1")).contains(changed);
            assertThat(store.live()).containsExactly(changed);
            store.update(changed.withState(LeaseState.REVOKED, "mandate revoked"));
            assertThat(store.live()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void listFiltersByMandateAgentBackendAndStateNewestFirst(Kind kind) {
        try (Database db = open(kind)) {
            JdbcLeaseStore store = new JdbcLeaseStore(db);
            Lease a = lease("a", "m1", "spiffe://d/agent/x", T0);
            Lease b = lease("b", "m1", "spiffe://d/agent/x", T0.plusSeconds(1));
            Lease c = lease("c", "m2", "spiffe://d/agent/y", T0.plusSeconds(2));
            for (Lease l : List.of(a, b, c)) {
                store.insert(l);
            }
            store.update(a.withState(LeaseState.EXPIRED, "expired"));

            assertThat(store.list(LeaseQuery.all())).extracting(Lease::id).containsExactly("c", "b", "a");
            assertThat(store.list(new LeaseQuery("m1", null, null, null, 10)))
                    .extracting(Lease::id)
                    .containsExactly("b", "a");
            assertThat(store.list(new LeaseQuery(null, "spiffe://d/agent/y", null, null, 10)))
                    .extracting(Lease::id)
                    .containsExactly("c");
            assertThat(store.list(new LeaseQuery(null, null, "pg-orders", LeaseState.EXPIRED, 10)))
                    .extracting(Lease::id)
                    .containsExactly("a");
            assertThat(store.list(new LeaseQuery(null, null, "other", null, 10)))
                    .isEmpty();
            assertThat(store.list(new LeaseQuery(null, null, null, null, 1)))
                    .extracting(Lease::id)
                    .containsExactly("c");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void duplicateIdIsAConflictAndUnknownUpdateIsNotFound(Kind kind) {
        try (Database db = open(kind)) {
            JdbcLeaseStore store = new JdbcLeaseStore(db);
            Lease lease = lease("a1", "m1", "spiffe://d/agent/a", T0);
            store.insert(lease);

            assertThatThrownBy(() -> store.insert(lease))
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            assertThatThrownBy(() -> store.update(lease("zz", "m1", "spiffe://d/agent/a", T0)))
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStoreThatIsDownIsUnavailable(Kind kind) {
        Database db = open(kind);
        JdbcLeaseStore store = new JdbcLeaseStore(db);
        db.close();

        assertThatThrownBy(() -> store.find("a1"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
}

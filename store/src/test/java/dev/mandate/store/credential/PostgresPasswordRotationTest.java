package dev.mandate.store.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.IssuedLease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseTerms;
import dev.mandate.core.credential.RevocationBackoff;
import dev.mandate.core.credential.SharedAccount;
import dev.mandate.core.credential.SharedSecretBackend;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.store.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

final class PostgresPasswordRotationTest {
    private static final String AGENT = "spiffe://mandate.local/agent/bookkeeper";
    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofMinutes(5), Duration.ofMinutes(30), false);

    private String db = "";
    private String role = "";
    private Database store;
    private LeaseManager manager;
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    @BeforeEach
    void setUp() throws SQLException {
        db = SecuredPostgres.freshDatabase();
        role = "legacy_" + db; // roles are cluster-wide; one per test keeps tests apart
        try (Connection c = SecuredPostgres.admin(db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ledger (id INT)");
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'standing-password-from-2019'");
            s.execute("GRANT SELECT ON ledger TO " + role);
        }
        store = Database.open(SecuredPostgres.url(SecuredPostgres.freshDatabase()), "postgres", "", 2);
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setUrl(SecuredPostgres.url(db));
        admin.setUser("postgres");
        SharedSecretBackend backend = new SharedSecretBackend(
                "legacy",
                List.of(new SharedAccount(
                        "ledger",
                        Map.of("username", role, "url", SecuredPostgres.url(db)),
                        new PostgresPasswordRotation(admin, role))),
                audit);
        manager =
                new LeaseManager(new JdbcLeaseStore(store), List.of(backend), audit, clock, RevocationBackoff.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private IssuedLease checkOut(String mandate) {
        return manager.issue(
                mandate, AGENT, "legacy", "ledger", TERMS, clock.instant().plusSeconds(3600));
    }

    private Connection connect(String password) throws SQLException {
        return SecuredPostgres.connect(db, role, password);
    }

    @Test
    void checkedOutSecretIsRotatedOnCheckInAndTheOldValueNoLongerConnects() throws SQLException {
        IssuedLease lease = checkOut("m1");
        String handedOut = lease.credential().secret().reveal();
        assertThatThrownBy(() -> connect("standing-password-from-2019").close())
                .as("the standing password died at the first check-out")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        Connection during = connect(handedOut);
        try (ResultSet rs = during.createStatement().executeQuery("SELECT count(*) FROM ledger")) {
            assertThat(rs.next()).isTrue();
        }

        manager.revoke(lease.lease().id(), "admin", "task done");

        assertThatThrownBy(() -> connect(handedOut).close())
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        assertThatThrownBy(() -> during.createStatement().executeQuery("SELECT 1"))
                .as("a session opened with the old password is terminated")
                .isInstanceOf(SQLException.class);
        during.close();
        IssuedLease next = checkOut("m2");
        assertThat(next.credential().secret().reveal()).isNotEqualTo(handedOut);
        try (Connection c = connect(next.credential().secret().reveal())) {
            assertThat(c.isValid(1)).isTrue();
        }
    }

    @Test
    void secondMandateIsRefusedWhileTheAccountIsCheckedOutAndEachUseIsAttributed() {
        IssuedLease lease = checkOut("m1");

        assertThatThrownBy(() -> checkOut("m2"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        manager.use(lease.lease().id(), AGENT);
        manager.mandateEnded("m1", "closed");

        assertThat(audit.ofType("lease.used"))
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("mandate", "m1"));
        assertThat(audit.ofType("secret.checked-in"))
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("mandate", "m1"));
        assertThat(audit.entries())
                .allSatisfy(e -> assertThat(e.toString())
                        .doesNotContain(lease.credential().secret().reveal()));
    }
}

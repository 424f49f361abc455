package dev.mandate.store.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.IssuedLease;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.credential.LeaseTerms;
import dev.mandate.core.credential.RevocationBackoff;
import dev.mandate.core.credential.Secret;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.store.Database;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class PostgresRoleBackendTest {
    private static final String AGENT = "spiffe://mandate.local/agent/reporter";
    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofMinutes(5), Duration.ofHours(1), true);
    private static final Map<String, String> SCOPES = Map.of("read-orders", "SELECT ON public.orders");

    private String db = "";
    private Set<String> rolesBefore = Set.of();
    private Database store;
    private PostgresRoleBackend backend;
    private final RecordingAuditSink audit = new RecordingAuditSink();
    // The fake clock starts at the wall clock so that VALID UNTIL, which the server checks on its own clock, is ahead.
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    @BeforeEach
    void setUp() throws SQLException {
        db = SecuredPostgres.freshDatabase();
        try (Connection c = SecuredPostgres.admin(db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, total INT)");
            s.execute("INSERT INTO orders VALUES (1, 42)");
            s.execute("CREATE TABLE payroll (id INT PRIMARY KEY)");
            // PostgreSQL 15 and later start this way; 14 still lets PUBLIC create tables in schema public.
            s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
        rolesBefore = mandateRoleNames();
        // Mandate's own store lives in another database than the data the leases grant access to.
        store = Database.open(SecuredPostgres.url(SecuredPostgres.freshDatabase()), "postgres", "", 2);
        backend =
                PostgresRoleBackend.open("pg-orders", SecuredPostgres.url(db), "postgres", Secret.of("unused"), SCOPES);
    }

    @AfterEach
    void tearDown() {
        backend.close();
        store.close();
    }

    private LeaseManager manager() {
        return new LeaseManager(
                new JdbcLeaseStore(store),
                List.of(backend),
                audit,
                clock,
                new RevocationBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1)));
    }

    private Connection connect(IssuedLease issued) throws SQLException {
        return SecuredPostgres.connect(
                db, user(issued), issued.credential().secret().reveal());
    }

    /** Counts the roles this test created: roles are cluster-wide, and other tests share the server. */
    private int mandateRoles() throws SQLException {
        Set<String> now = new HashSet<>(mandateRoleNames());
        now.removeAll(rolesBefore);
        return now.size();
    }

    private Set<String> mandateRoleNames() throws SQLException {
        Set<String> names = new HashSet<>();
        try (Connection c = SecuredPostgres.admin(db);
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT rolname FROM pg_roles WHERE rolname LIKE 'mandate\\_l\\_%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static String user(IssuedLease issued) {
        return java.util.Objects.requireNonNull(issued.credential().properties().get("username"));
    }

    private static String sqlState(Throwable e) {
        return ((SQLException) e).getSQLState();
    }

    @Test
    void passwordAuthenticationIsReallyOnSoAWrongPasswordIsRefused() throws SQLException {
        IssuedLease issued = manager()
                .issue(
                        "m1",
                        AGENT,
                        "pg-orders",
                        "read-orders",
                        TERMS,
                        clock.instant().plusSeconds(3600));
        String user = user(issued);

        assertThatThrownBy(() ->
                        SecuredPostgres.connect(db, user, "wrong-password").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("28P01"));
        assertThatThrownBy(() -> SecuredPostgres.connect(db, user, "").close()).isInstanceOf(SQLException.class);
        try (Connection c = connect(issued)) {
            assertThat(c.isValid(1)).isTrue();
        }
    }

    @Test
    void issuedCredentialCanDoExactlyItsGrants() throws SQLException {
        IssuedLease issued = manager()
                .issue(
                        "m1",
                        AGENT,
                        "pg-orders",
                        "read-orders",
                        TERMS,
                        clock.instant().plusSeconds(3600));

        try (Connection c = connect(issued);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT total FROM orders WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            assertThatThrownBy(() -> s.execute("INSERT INTO orders VALUES (2, 1)"))
                    .satisfies(e -> assertThat(sqlState(e)).isEqualTo("42501"));
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM payroll"))
                    .satisfies(e -> assertThat(sqlState(e)).isEqualTo("42501"));
            assertThatThrownBy(() -> s.execute("CREATE TABLE sneaky (id INT)")).isInstanceOf(SQLException.class);
        }
        assertThat(issued.credential().properties())
                .containsEntry("url", SecuredPostgres.url(db))
                .doesNotContainValue(issued.credential().secret().reveal());
    }

    @Test
    void leaseWorksWhileItsMandateLivesAndFailsRightAfterTheMandateCloses() throws SQLException {
        LeaseManager manager = manager();
        IssuedLease issued = manager.issue(
                "m1", AGENT, "pg-orders", "read-orders", TERMS, clock.instant().plusSeconds(3600));
        Connection open = connect(issued);

        manager.mandateEnded("m1", "closed");

        assertThatThrownBy(() -> connect(issued).close()).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> open.createStatement().executeQuery("SELECT 1"))
                .as("the session that was open is terminated")
                .isInstanceOf(SQLException.class);
        open.close();
        assertThat(mandateRoles()).isZero();
        assertThat(manager.find(issued.lease().id()).orElseThrow().state()).isEqualTo(LeaseState.REVOKED);
        assertThat(audit.ofType("lease.revoked"))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("mandate closed"));
    }

    @Test
    void expiryOnTheInjectedClockDropsTheRole() throws SQLException {
        LeaseManager manager = manager();
        IssuedLease issued = manager.issue(
                "m1", AGENT, "pg-orders", "read-orders", TERMS, clock.instant().plusSeconds(3600));

        clock.advance(Duration.ofMinutes(5));
        manager.runDue();

        assertThatThrownBy(() -> connect(issued).close()).isInstanceOf(SQLException.class);
        assertThat(mandateRoles()).isZero();
        assertThat(manager.find(issued.lease().id()).orElseThrow().state()).isEqualTo(LeaseState.EXPIRED);
    }

    @Test
    void renewMovesValidUntilAtTheServer() throws SQLException {
        LeaseManager manager = manager();
        IssuedLease issued = manager.issue(
                "m1", AGENT, "pg-orders", "read-orders", TERMS, clock.instant().plusSeconds(3600));
        clock.advance(Duration.ofMinutes(4));

        Lease renewed =
                manager.renew(issued.lease().id(), AGENT, clock.instant().plusSeconds(3600));

        try (Connection c = SecuredPostgres.admin(db);
                var ps = c.prepareStatement("SELECT rolvaliduntil FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, user(issued));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
                        .isEqualTo(renewed.expires());
            }
        }
    }

    @Test
    void killMinus9WithLiveLeasesThenRestartAfterTheirTtlLeavesNoRoleAlive() throws SQLException {
        LeaseManager before = manager();
        IssuedLease a = before.issue(
                "m1", AGENT, "pg-orders", "read-orders", TERMS, clock.instant().plusSeconds(3600));
        before.issue(
                "m2", AGENT, "pg-orders", "read-orders", TERMS, clock.instant().plusSeconds(3600));
        assertThat(mandateRoles()).isEqualTo(2);
        // kill -9: the manager vanishes without revoking; only the store and the roles remain.
        clock.advance(Duration.ofMinutes(6));

        LeaseManager after = manager();
        assertThat(after.restore()).isZero();

        assertThat(mandateRoles()).isZero();
        assertThatThrownBy(() -> connect(a).close()).isInstanceOf(SQLException.class);
        assertThat(after.find(a.lease().id()).orElseThrow().state()).isEqualTo(LeaseState.EXPIRED);
    }

    @Test
    void revokingARoleThatIsAlreadyGoneSucceeds() throws SQLException {
        LeaseManager manager = manager();
        IssuedLease issued = manager.issue(
                "m1", AGENT, "pg-orders", "read-orders", TERMS, clock.instant().plusSeconds(3600));
        try (Connection c = SecuredPostgres.admin(db);
                Statement s = c.createStatement()) {
            s.execute("DROP OWNED BY " + user(issued));
            s.execute("DROP ROLE " + user(issued));
        }

        assertThat(manager.revoke(issued.lease().id(), "admin", "test").state()).isEqualTo(LeaseState.REVOKED);
    }

    @Test
    void backendDownAtIssueFailsClearlyAndLeavesNothingLive() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        // A plain data source fails at once with "connection refused"; a pool would wait for its timeout.
        org.postgresql.ds.PGSimpleDataSource refused = new org.postgresql.ds.PGSimpleDataSource();
        refused.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/x");
        try (PostgresRoleBackend down = new PostgresRoleBackend("pg-orders", refused, refused.getUrl(), SCOPES)) {
            LeaseManager manager =
                    new LeaseManager(new JdbcLeaseStore(store), List.of(down), audit, clock, RevocationBackoff.DEFAULT);

            assertThatThrownBy(() -> manager.issue(
                            "m1",
                            AGENT,
                            "pg-orders",
                            "read-orders",
                            TERMS,
                            clock.instant().plusSeconds(3600)))
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("pg-orders");
            assertThat(manager.list(dev.mandate.core.credential.LeaseQuery.all()))
                    .singleElement()
                    .satisfies(l -> assertThat(l.state()).isEqualTo(LeaseState.REVOKING));
        }
        assertThat(mandateRoles()).isZero();
        assertThat(audit.ofType("lease.issued")).isEmpty();
    }

    @Test
    void unknownScopeIsRefused() {
        assertThatThrownBy(() -> backend.validateScope("write-orders"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("read-orders");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT ON orders; DROP TABLE orders",
                "SELECT ON \"orders\"",
                "ALL ON orders",
                "SELECT ON orders--",
                "SELECT ON a.b.c",
                "SELECT ON Orders",
                "SELECT, TRUNCATE ON orders",
                "SELECT orders",
                " "
            })
    void badScopeTemplateIsRefusedNamingTheKey(String template) {
        assertThatThrownBy(() -> new PostgresRoleBackend(
                        "pg-orders", store.dataSource(), "jdbc:postgresql://x/y", Map.of("read", template)))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("credentials.backends.pg-orders.scopes.read");
    }

    @Test
    void templatesMayGrantSeveralPrivilegesOnSeveralTables() throws SQLException {
        try (PostgresRoleBackend wide = PostgresRoleBackend.open(
                "pg-wide",
                SecuredPostgres.url(db),
                "postgres",
                Secret.of("unused"),
                Map.of("rw", "select, insert ON public.orders, payroll; SELECT ON orders"))) {
            LeaseManager manager =
                    new LeaseManager(new JdbcLeaseStore(store), List.of(wide), audit, clock, RevocationBackoff.DEFAULT);
            IssuedLease issued = manager.issue(
                    "m1", AGENT, "pg-wide", "rw", TERMS, clock.instant().plusSeconds(3600));
            try (Connection c = connect(issued);
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders VALUES (7, 7)");
                s.execute("INSERT INTO payroll VALUES (7)");
                assertThatThrownBy(() -> s.execute("DELETE FROM orders"))
                        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("42501"));
            }
            manager.revoke(issued.lease().id(), "admin", "done");
        }
        assertThat(mandateRoles()).isZero();
    }
}

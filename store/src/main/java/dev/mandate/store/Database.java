package dev.mandate.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A migrated, pooled database: embedded H2 or PostgreSQL. Opening it applies every pending migration; a database
 * whose migrations fail is never handed out. Thread-safe; close it once at shutdown.
 */
public final class Database implements AutoCloseable {
    /** Which SQL dialect the database speaks; repositories branch on it only where the dialects differ. */
    public enum Dialect {
        /** Embedded H2, the default single-node store. */
        H2,
        /** PostgreSQL, the scale-out store shared by several replicas. */
        POSTGRESQL
    }

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private Database(HikariDataSource pool, Dialect dialect, String jdbcUrl, String user, String password) {
        this.pool = pool;
        this.dialect = dialect;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /**
     * Opens (creating if needed) the embedded H2 database {@code <dataDir>/mandate} and migrates it.
     *
     * @param dataDir the data directory; it must exist and be writable
     * @return the open database
     * @throws MandateException with {@code UNAVAILABLE} if the file cannot be opened (for example, another Mandate
     *     holds it) or a migration fails
     */
    public static Database openEmbedded(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("mandate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
        return open(url, "mandate", "", 8);
    }

    /**
     * Opens a database by JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}) and migrates it.
     *
     * @param jdbcUrl the JDBC URL; it is not logged with credentials
     * @param user the user name
     * @param password the password; never logged
     * @param maxPoolSize the most connections to hold open, at least 1
     * @return the open database
     * @throws MandateException with {@code BAD_CONFIG} for an unsupported URL or pool size, {@code UNAVAILABLE} if
     *     the database cannot be reached or a migration fails
     */
    public static Database open(String jdbcUrl, String user, String password, int maxPoolSize) {
        Dialect dialect;
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            dialect = Dialect.H2;
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRESQL;
        } else {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "store.url must start with jdbc:h2: or jdbc:postgresql: (got '" + redact(jdbcUrl) + "')");
        }
        if (maxPoolSize < 1) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "store.max-pool-size < 1: " + maxPoolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxPoolSize);
        config.setPoolName("mandate-store");
        config.setInitializationFailTimeout(10_000);
        config.setConnectionTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE, "cannot open the store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    // db/vendor/<dialect>: versions whose SQL differs per database (V7, the replicas' change feed)
                    .locations(
                            "classpath:db/migration",
                            "classpath:db/vendor/" + (dialect == Dialect.H2 ? "h2" : "postgresql"))
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new MandateException(
                    ErrorCode.UNAVAILABLE, "cannot migrate the store at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        return new Database(pool, dialect, jdbcUrl, user, password);
    }

    /**
     * Returns the pooled data source.
     *
     * @return the data source; do not close it
     */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Returns the SQL dialect.
     *
     * @return the dialect
     */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Opens a connection outside the pool, for a long-lived session such as PostgreSQL's {@code LISTEN}; the caller
     * closes it.
     *
     * @param socketTimeoutSeconds how long a read may block before the connection counts as lost, 0 for no limit
     * @return a new connection in auto-commit mode
     * @throws SQLException if the database cannot be reached
     */
    public Connection openUnpooled(int socketTimeoutSeconds) throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        if (dialect == Dialect.POSTGRESQL) {
            props.setProperty("connectTimeout", "5");
            props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
            props.setProperty("ApplicationName", "mandate-change-feed");
        }
        return java.sql.DriverManager.getConnection(jdbcUrl, props);
    }

    /**
     * Tells whether the database answers a trivial query right now.
     *
     * @return true if a connection could be borrowed and validated within a second
     */
    public boolean isReady() {
        if (pool.isClosed()) {
            return false;
        }
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Closes the pool; for H2 this also closes the database file. */
    @Override
    public void close() {
        pool.close();
    }

    private static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        for (Throwable c = t.getCause(); c != null && !c.equals(t); c = t.getCause()) {
            t = c;
        }
        return String.valueOf(t.getMessage());
    }
}

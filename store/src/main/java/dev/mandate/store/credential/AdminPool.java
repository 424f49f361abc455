package dev.mandate.store.credential;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.Secret;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A small connection pool to a system a credential backend administers (as a role that may create roles or change
 * passwords). It connects lazily, so a database that is down at start-up shows at the first issue as
 * {@code UNAVAILABLE} instead of stopping the node.
 */
public final class AdminPool implements AutoCloseable {
    private final HikariDataSource pool;

    private AdminPool(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens a pool.
     *
     * @param backendName the backend it serves, for the pool's name and for messages
     * @param url a {@code jdbc:postgresql:} URL
     * @param user the admin role
     * @param password the admin password, or null for none (trust or peer authentication); never logged
     * @return the pool
     * @throws MandateException with {@code BAD_CONFIG} naming {@code credentials.backends.<name>.url} for a URL that
     *     is not PostgreSQL
     */
    public static AdminPool open(String backendName, String url, String user, @Nullable Secret password) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "credentials.backends." + backendName + ".url must start with jdbc:postgresql: (got '"
                            + url.replaceAll("(?i)(password=)[^&]*", "$1***") + "')");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        if (password != null) {
            config.setPassword(password.reveal());
        }
        config.setMaximumPoolSize(4);
        config.setPoolName("mandate-credential-" + backendName);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5_000);
        return new AdminPool(new HikariDataSource(config));
    }

    /**
     * Returns the pooled data source.
     *
     * @return the data source; do not close it
     */
    public DataSource dataSource() {
        return pool;
    }

    /** Closes the pool. */
    @Override
    public void close() {
        pool.close();
    }
}

package dev.mandate.store.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.CredentialBackend;
import dev.mandate.core.credential.IssuedCredential;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseRequest;
import dev.mandate.core.credential.Secret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Dynamic PostgreSQL roles, one per lease: issuing creates {@code LOGIN} role {@code mandate_l_<lease id>} with a
 * random password {@code VALID UNTIL} the lease's expiry and the grants of the lease's scope template, in one
 * transaction; revoking stops new logins, terminates the role's sessions, drops what it owns and its grants, and drops
 * it. The admin connection needs {@code CREATEROLE} and the right to grant the template's privileges.
 */
public final class PostgresRoleBackend implements CredentialBackend, AutoCloseable {
    /** Prefix of every role this backend creates; nothing else is ever dropped. */
    public static final String ROLE_PREFIX = "mandate_l_";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final int PASSWORD_LENGTH = 32;

    private final String name;
    private final DataSource admin;
    private final @Nullable AutoCloseable ownedPool;
    private final String clientUrl;
    private final Map<String, GrantTemplate> scopes;

    /**
     * Creates a backend over an admin data source the caller owns.
     *
     * @param name the backend's configured name
     * @param admin connections as a role that may create roles and grant the templates' privileges
     * @param clientUrl the JDBC URL handed to lease holders (no credentials in it)
     * @param scopeTemplates scope name to grant template, e.g. {@code read-orders -> SELECT ON public.orders}
     * @throws MandateException with {@code BAD_CONFIG} naming the key {@code credentials.backends.<name>.scopes.<scope>}
     *     of a bad template or scope name
     */
    public PostgresRoleBackend(String name, DataSource admin, String clientUrl, Map<String, String> scopeTemplates) {
        this(name, admin, null, clientUrl, scopeTemplates);
    }

    private PostgresRoleBackend(
            String name,
            DataSource admin,
            @Nullable AutoCloseable ownedPool,
            String clientUrl,
            Map<String, String> scopeTemplates) {
        if (!NAME.matcher(name).matches()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG,
                    "credentials.backends: backend name '" + name + "' must match " + NAME.pattern());
        }
        if (scopeTemplates.isEmpty()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "credentials.backends." + name + ".scopes: at least one scope is needed");
        }
        Map<String, GrantTemplate> parsed = new TreeMap<>();
        for (Map.Entry<String, String> e : scopeTemplates.entrySet()) {
            String key = "credentials.backends." + name + ".scopes." + e.getKey();
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new MandateException(ErrorCode.BAD_CONFIG, key + ": scope names must match " + NAME.pattern());
            }
            parsed.put(e.getKey(), GrantTemplate.parse(key, e.getValue()));
        }
        this.name = name;
        this.admin = admin;
        this.ownedPool = ownedPool;
        this.clientUrl = clientUrl;
        this.scopes = parsed;
    }

    /**
     * Opens a backend with its own small admin connection pool, closed by {@link #close()}.
     *
     * @param name the backend's configured name
     * @param adminUrl the JDBC URL of the target database
     * @param adminUser the admin role
     * @param adminPassword the admin password, or null for none; never logged
     * @param scopeTemplates scope name to grant template
     * @return the backend
     * @throws MandateException with {@code BAD_CONFIG} for a bad name, URL or template; the pool connects lazily, so an
     *     unreachable database shows at the first issue as {@code UNAVAILABLE}
     */
    public static PostgresRoleBackend open(
            String name,
            String adminUrl,
            String adminUser,
            @Nullable Secret adminPassword,
            Map<String, String> scopeTemplates) {
        AdminPool pool = AdminPool.open(name, adminUrl, adminUser, adminPassword);
        try {
            return new PostgresRoleBackend(name, pool.dataSource(), pool, adminUrl, scopeTemplates);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void validateScope(String scope) {
        CredentialBackend.scope(name, "scope", scopes, scope);
    }

    @Override
    public IssuedCredential issue(LeaseRequest request) {
        GrantTemplate template = CredentialBackend.scope(name, "scope", scopes, request.scope());
        String role = roleName(request.leaseId());
        String quoted = GrantTemplate.quote(role);
        Secret password = Secret.generate(PASSWORD_LENGTH);
        try (Connection c = admin.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // DDL takes no bind parameters; the role name is derived from a validated lease id, the password is
                // generated from [A-Za-z0-9] and the timestamp is formatted by Java, so nothing here is caller text.
                s.execute("CREATE ROLE " + quoted + " LOGIN NOINHERIT PASSWORD '" + password.reveal()
                        + "' VALID UNTIL '" + validUntil(request.expires()) + "'");
                for (String grant : template.grants(quoted)) {
                    s.execute(grant);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("create role for lease " + request.leaseId(), e);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("username", role);
        properties.put("url", clientUrl);
        properties.put("valid-until", request.expires().toString());
        return new IssuedCredential(properties, password);
    }

    @Override
    public void extend(Lease lease, Instant newExpiry) {
        String quoted = GrantTemplate.quote(roleName(lease.id()));
        try (Connection c = admin.getConnection();
                Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + quoted + " VALID UNTIL '" + validUntil(newExpiry) + "'");
        } catch (SQLException e) {
            throw failure("extend the role of lease " + lease.id(), e);
        }
    }

    @Override
    public void revoke(Lease lease) {
        String role = roleName(lease.id());
        String quoted = GrantTemplate.quote(role);
        try (Connection c = admin.getConnection()) {
            if (!roleExists(c, role)) {
                return;
            }
            try (Statement s = c.createStatement()) {
                // Close the door first so no new session starts while the running ones are terminated.
                s.execute("ALTER ROLE " + quoted + " NOLOGIN");
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
                ps.setString(1, role);
                ps.executeQuery().close();
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("DROP OWNED BY " + quoted);
                s.execute("DROP ROLE " + quoted);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("drop the role of lease " + lease.id(), e);
        }
    }

    /**
     * Returns the role a lease's credential logs in as.
     *
     * @param leaseId the lease id
     * @return {@code mandate_l_<lease id with _ for ->}
     */
    public static String roleName(String leaseId) {
        return ROLE_PREFIX + leaseId.replace('-', '_');
    }

    /** Closes the admin pool if this backend opened it. */
    @Override
    public void close() {
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                // Closing a pool at shutdown; nothing left to do with the failure.
            }
        }
    }

    private static boolean roleExists(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String validUntil(Instant expires) {
        return expires.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private MandateException failure(String what, SQLException e) {
        // SQL messages can quote the failing statement, which may hold the password: report the state only.
        return new MandateException(
                ErrorCode.UNAVAILABLE,
                "backend " + name + " could not " + what + " (SQLState " + e.getSQLState() + ")");
    }
}

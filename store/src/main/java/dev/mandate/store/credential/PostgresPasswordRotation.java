package dev.mandate.store.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.Secret;
import dev.mandate.core.credential.SecretRotation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Rotates the password of an existing PostgreSQL login role with {@code ALTER ROLE ... PASSWORD}, then terminates the
 * role's open sessions, so that neither the old password nor a session opened with it outlives the rotation.
 */
public final class PostgresPasswordRotation implements SecretRotation {
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern SAFE_SECRET = Pattern.compile("[A-Za-z0-9]{16,256}");

    private final DataSource admin;
    private final String role;

    /**
     * Creates a rotation for one role.
     *
     * @param admin connections as a role allowed to alter {@code role} and terminate its sessions
     * @param role the shared account's role name: lower-case letters, digits and _
     * @throws MandateException with {@code BAD_CONFIG} if the role name is not a plain identifier
     */
    public PostgresPasswordRotation(DataSource admin, String role) {
        if (!ROLE.matcher(role).matches()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "shared account role '" + role + "' must match " + ROLE.pattern());
        }
        this.admin = admin;
        this.role = role;
    }

    @Override
    public void rotate(Secret newSecret) {
        if (!SAFE_SECRET.matcher(newSecret.reveal()).matches()) {
            // Only generated secrets go into the statement, which takes no bind parameters.
            throw new IllegalArgumentException("a rotated password must be 16-256 letters and digits");
        }
        try (Connection c = admin.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER ROLE " + GrantTemplate.quote(role) + " PASSWORD '" + newSecret.reveal() + "'");
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
                ps.setString(1, role);
                ps.executeQuery().close();
            }
        } catch (SQLException e) {
            // The driver may quote the statement, which holds the password: report the state only.
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "cannot rotate the password of role " + role + " (SQLState " + e.getSQLState() + ")");
        }
    }
}

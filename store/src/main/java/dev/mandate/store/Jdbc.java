package dev.mandate.store;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Small JDBC helpers shared by the repositories: portable timestamps and the one mapping of SQL failures. */
final class Jdbc {
    private Jdbc() {}

    /** A unit of work on one connection. */
    @FunctionalInterface
    interface Work<T extends @Nullable Object> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction, committing on success and rolling back on any failure. */
    static <T extends @Nullable Object> T inTransaction(DataSource ds, String what, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode. */
    static <T extends @Nullable Object> T run(DataSource ds, String what, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    static MandateException failure(String what, SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("23")) {
            return new MandateException(ErrorCode.CONFLICT, "cannot " + what + ": it conflicts with a stored row", e);
        }
        return new MandateException(ErrorCode.UNAVAILABLE, "cannot " + what + ": the store failed (" + state + ")", e);
    }

    static void setInstant(PreparedStatement ps, int index, @Nullable Instant instant) throws SQLException {
        ps.setObject(index, instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    static @Nullable Instant getInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Instant getRequiredInstant(ResultSet rs, String column) throws SQLException {
        Instant t = getInstant(rs, column);
        if (t == null) {
            throw new SQLException("column " + column + " is NULL", "22004");
        }
        return t;
    }
}

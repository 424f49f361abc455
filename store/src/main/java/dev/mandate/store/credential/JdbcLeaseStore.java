package dev.mandate.store.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.credential.LeaseStore;
import dev.mandate.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Leases in the {@code leases} table of the store (H2 or PostgreSQL). Every write commits before it returns. */
public final class JdbcLeaseStore implements LeaseStore {
    private static final String COLUMNS = "id, mandate_id, agent, backend, scope, issued_at, ttl_ms, max_ttl_ms,"
            + " expires_at, renewable, state, end_reason";

    private final DataSource dataSource;

    /**
     * Creates a store on a migrated database.
     *
     * @param database the database
     */
    public JdbcLeaseStore(Database database) {
        this.dataSource = database.dataSource();
    }

    @Override
    public void insert(Lease lease) {
        String sql = "INSERT INTO leases (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, lease.id());
            s.setString(2, lease.mandateId());
            s.setString(3, lease.agent());
            s.setString(4, lease.backend());
            s.setString(5, lease.scope());
            s.setObject(6, utc(lease.issued()));
            s.setLong(7, lease.ttl().toMillis());
            s.setLong(8, lease.maxTtl().toMillis());
            s.setObject(9, utc(lease.expires()));
            s.setBoolean(10, lease.renewable());
            s.setString(11, lease.state().wireName());
            s.setString(12, lease.endReason());
            s.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                throw new MandateException(ErrorCode.CONFLICT, "lease " + lease.id() + " already exists", e);
            }
            throw unavailable("store lease " + lease.id(), e);
        }
    }

    @Override
    public void update(Lease lease) {
        String sql = "UPDATE leases SET expires_at = ?, state = ?, end_reason = ? WHERE id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, utc(lease.expires()));
            s.setString(2, lease.state().wireName());
            s.setString(3, lease.endReason());
            s.setString(4, lease.id());
            if (s.executeUpdate() == 0) {
                throw new MandateException(ErrorCode.NOT_FOUND, "no lease '" + lease.id() + "' to update");
            }
        } catch (SQLException e) {
            throw unavailable("update lease " + lease.id(), e);
        }
    }

    @Override
    public Optional<Lease> find(String id) {
        List<Lease> found = query("SELECT " + COLUMNS + " FROM leases WHERE id = ?", List.of(id), 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    @Override
    public List<Lease> list(LeaseQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM leases WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (q.mandateId() != null) {
            sql.append(" AND mandate_id = ?");
            args.add(q.mandateId());
        }
        if (q.agent() != null) {
            sql.append(" AND agent = ?");
            args.add(q.agent());
        }
        if (q.backend() != null) {
            sql.append(" AND backend = ?");
            args.add(q.backend());
        }
        LeaseState state = q.state();
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state.wireName());
        }
        sql.append(" ORDER BY issued_at DESC, id LIMIT ").append(q.limit());
        return query(sql.toString(), args, q.limit());
    }

    @Override
    public List<Lease> live() {
        return query(
                "SELECT " + COLUMNS + " FROM leases WHERE state IN ('active', 'revoking')",
                List.of(),
                Integer.MAX_VALUE);
    }

    private List<Lease> query(String sql, List<String> args, int max) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                s.setString(i + 1, args.get(i));
            }
            List<Lease> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next() && out.size() < max) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("read leases", e);
        }
    }

    private static Lease read(ResultSet rs) throws SQLException {
        return new Lease(
                rs.getString("id"),
                rs.getString("mandate_id"),
                rs.getString("agent"),
                rs.getString("backend"),
                rs.getString("scope"),
                instant(rs, "issued_at"),
                Duration.ofMillis(rs.getLong("ttl_ms")),
                Duration.ofMillis(rs.getLong("max_ttl_ms")),
                instant(rs, "expires_at"),
                rs.getBoolean("renewable"),
                LeaseState.parse(rs.getString("state")),
                rs.getString("end_reason"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        if (t == null) {
            throw new SQLException("leases." + column + " is null");
        }
        return t.toInstant();
    }

    private static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static MandateException unavailable(String what, SQLException e) {
        return new MandateException(
                ErrorCode.UNAVAILABLE, "cannot " + what + ": the store failed (SQLState " + e.getSQLState() + ")", e);
    }
}

package dev.mandate.store;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.BatchMandateStore;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.Tier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Mandates in table {@code mandates}. */
public final class JdbcMandateStore implements BatchMandateStore {
    private static final String COLUMNS = "id, agent, on_behalf_of, purpose, tools, resources, tier, parent_id, depth,"
            + " issued_at, expires_at, max_expires_at, ttl_millis, state, flow_labels, label_ceiling, call_budget,"
            + " ended_at, end_reason, clearance";
    private static final String INSERT = "INSERT INTO mandates (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int BATCH = 500;

    private final Database db;

    /**
     * Creates the store over a migrated database.
     *
     * @param db the database
     */
    public JdbcMandateStore(Database db) {
        this.db = db;
    }

    @Override
    public void insert(Mandate m) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(INSERT)) {
            bind(s, m);
            s.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("store mandate " + m.id(), e);
        }
    }

    @Override
    public void insertAll(List<Mandate> mandates) {
        if (mandates.isEmpty()) {
            return;
        }
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                int pending = 0;
                for (Mandate m : mandates) {
                    bind(s, m);
                    s.addBatch();
                    if (++pending == BATCH) {
                        s.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("store " + mandates.size() + " mandate(s)", e);
        }
    }

    private static void bind(PreparedStatement s, Mandate m) throws SQLException {
        s.setString(1, m.id());
        s.setString(2, m.agent().toString());
        s.setString(3, m.onBehalfOf());
        s.setString(4, m.purpose());
        s.setString(5, join(m.tools()));
        s.setString(6, join(m.resources()));
        s.setString(7, m.tier().wireName());
        s.setString(8, m.parentId());
        s.setInt(9, m.depth());
        s.setObject(10, Sql.timestamp(m.issued()));
        s.setObject(11, Sql.timestamp(m.expires()));
        s.setObject(12, Sql.timestamp(m.maxExpires()));
        s.setLong(13, m.ttl().toMillis());
        s.setString(14, m.state().wireName());
        s.setString(15, join(m.flowLabels()));
        s.setString(16, join(m.labelCeiling()));
        s.setInt(17, m.callBudget());
        Instant ended = m.ended();
        s.setObject(18, ended == null ? null : Sql.timestamp(ended));
        s.setString(19, m.endReason());
        Sensitivity clearance = m.clearance();
        s.setString(20, clearance == null ? null : clearance.wireName());
    }

    @Override
    public void end(Collection<String> ids, MandateState state, Instant at, String reason) {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE mandates SET state = ?, ended_at = ?, end_reason = ? WHERE id = ? AND state = 'active'")) {
                int pending = 0;
                for (String id : ids) {
                    s.setString(1, state.wireName());
                    s.setObject(2, Sql.timestamp(at));
                    s.setString(3, reason.length() > 4096 ? reason.substring(0, 4096) : reason);
                    s.setString(4, id);
                    s.addBatch();
                    if (++pending == BATCH) {
                        s.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("end " + ids.size() + " mandate(s)", e);
        }
    }

    @Override
    public void renew(String id, Instant expires) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("UPDATE mandates SET expires_at = ? WHERE id = ? AND state = 'active'")) {
            s.setObject(1, Sql.timestamp(expires));
            s.setString(2, id);
            if (s.executeUpdate() != 1) {
                throw new MandateException(ErrorCode.CONFLICT, "mandate " + id + " is not active in the store");
            }
        } catch (SQLException e) {
            throw unavailable("renew mandate " + id, e);
        }
    }

    @Override
    public void updateFlowLabels(String id, Set<String> flowLabels) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE mandates SET flow_labels = ? WHERE id = ?")) {
            s.setString(1, join(new TreeSet<>(flowLabels)));
            s.setString(2, id);
            if (s.executeUpdate() != 1) {
                throw new MandateException(ErrorCode.NOT_FOUND, "mandate " + id + " is not in the store");
            }
        } catch (SQLException e) {
            throw unavailable("store the flow labels of mandate " + id, e);
        }
    }

    @Override
    public List<Mandate> loadAll() {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM mandates ORDER BY depth, id");
                ResultSet rs = s.executeQuery()) {
            List<Mandate> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Mandate(
                        rs.getString(1),
                        SpiffeId.parse(rs.getString(2)),
                        rs.getString(3),
                        rs.getString(4),
                        split(rs.getString(5)),
                        split(rs.getString(6)),
                        Tier.parse(rs.getString(7)),
                        rs.getString(8),
                        rs.getInt(9),
                        Sql.instant(rs, 10),
                        Sql.instant(rs, 11),
                        Sql.instant(rs, 12),
                        Duration.ofMillis(rs.getLong(13)),
                        MandateState.parse(rs.getString(14)),
                        split(rs.getString(15)),
                        split(rs.getString(16)),
                        rs.getInt(17),
                        Sql.nullableInstant(rs, 18),
                        rs.getString(19),
                        clearance(rs.getString(20), rs.getString(3))));
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("load mandates", e);
        }
    }

    /** A stored clearance; a principal without one (or with an unknown word) gets the most restrictive, public. */
    private static @Nullable Sensitivity clearance(@Nullable String stored, @Nullable String onBehalfOf) {
        if (onBehalfOf == null) {
            return null;
        }
        if (stored == null) {
            return Sensitivity.PUBLIC;
        }
        try {
            return Sensitivity.parse(stored);
        } catch (MandateException e) {
            return Sensitivity.PUBLIC;
        }
    }

    private static String join(Set<String> names) {
        return String.join(" ", names);
    }

    private static Set<String> split(String text) {
        return text.isEmpty() ? Set.of() : Arrays.stream(text.split(" ")).collect(Collectors.toUnmodifiableSet());
    }

    private static MandateException unavailable(String what, SQLException e) {
        return new MandateException(ErrorCode.UNAVAILABLE, "the store could not " + what + ": " + e.getMessage(), e);
    }
}

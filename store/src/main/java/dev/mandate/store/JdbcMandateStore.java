package dev.mandate.store;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.MandateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Mandates in table {@code mandates}. */
public final class JdbcMandateStore implements MandateStore {
    private static final String INSERT = "INSERT INTO mandates (" + MandateRows.COLUMNS
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
            MandateRows.bind(s, m);
            s.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("store mandate " + m.id(), e);
        }
    }

    @Override
    public void end(Collection<String> ids, MandateState state, Instant at, String reason) {
        endActive(ids, state, at, reason);
    }

    @Override
    public Set<String> endActive(Collection<String> ids, MandateState state, Instant at, String reason) {
        Set<String> ended = new LinkedHashSet<>();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE mandates SET state = ?, ended_at = ?, end_reason = ? WHERE id = ? AND state = 'active'")) {
                List<String> pending = new ArrayList<>(BATCH);
                for (String id : ids) {
                    s.setString(1, state.wireName());
                    s.setObject(2, Sql.timestamp(at));
                    s.setString(3, reason.length() > 4096 ? reason.substring(0, 4096) : reason);
                    s.setString(4, id);
                    s.addBatch();
                    pending.add(id);
                    if (pending.size() == BATCH) {
                        collectEnded(s.executeBatch(), pending, ended);
                    }
                }
                if (!pending.isEmpty()) {
                    collectEnded(s.executeBatch(), pending, ended);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("end " + ids.size() + " mandate(s)", e);
        }
        return ended;
    }

    @Override
    public Set<String> endActiveOfAgent(SpiffeId agent, MandateState state, Instant at, String reason) {
        List<String> active = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT id FROM mandates WHERE agent = ? AND state = 'active'")) {
            s.setString(1, agent.toString());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    active.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw unavailable("read the active mandates of agent " + agent, e);
        }
        // Conditional, as for any revocation: a row another replica ended meanwhile is that replica's to record.
        return active.isEmpty() ? Set.of() : endActive(active, state, at, reason);
    }

    /** The ids whose update changed a row; a driver that cannot tell ({@code SUCCESS_NO_INFO}) counts as changed. */
    private static void collectEnded(int[] counts, List<String> ids, Set<String> ended) {
        for (int i = 0; i < ids.size(); i++) {
            int count = i < counts.length ? counts[i] : Statement.SUCCESS_NO_INFO;
            if (count > 0 || count == Statement.SUCCESS_NO_INFO) {
                ended.add(ids.get(i));
            }
        }
        ids.clear();
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
        // Several replicas may write the labels of one mandate, each what it saw: merge, never overwrite. The row lock
        // (FOR UPDATE) makes the read and the write one step, so two concurrent merges cannot lose each other's labels.
        Jdbc.inTransaction(db.dataSource(), "store the flow labels of mandate " + id, c -> {
            Set<String> merged;
            try (PreparedStatement s = c.prepareStatement("SELECT flow_labels FROM mandates WHERE id = ? FOR UPDATE")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new MandateException(ErrorCode.NOT_FOUND, "mandate " + id + " is not in the store");
                    }
                    Set<String> stored = MandateRows.split(rs.getString(1));
                    merged = FlowLabels.joinWords(stored, flowLabels);
                    if (merged.equals(stored)) {
                        return null; // nothing new: no write, so no change for the other replicas to take over
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE mandates SET flow_labels = ? WHERE id = ?")) {
                s.setString(1, MandateRows.join(merged));
                s.setString(2, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Mandate> loadAll() {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT " + MandateRows.COLUMNS + " FROM mandates ORDER BY depth, id");
                ResultSet rs = s.executeQuery()) {
            List<Mandate> out = new ArrayList<>();
            while (rs.next()) {
                out.add(MandateRows.read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("load mandates", e);
        }
    }

    private static MandateException unavailable(String what, SQLException e) {
        return new MandateException(ErrorCode.UNAVAILABLE, "the store could not " + what + ": " + e.getMessage(), e);
    }
}

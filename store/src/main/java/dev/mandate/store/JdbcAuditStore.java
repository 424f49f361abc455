package dev.mandate.store;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditCheckpoint;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditStore;
import dev.mandate.core.audit.AuditedRow;
import dev.mandate.core.audit.RowsRefused;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateRefused;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The audit log's events and checkpoints in tables {@code audit_events} and {@code audit_checkpoints}, and new
 * mandates written in the same transaction as their event (table {@code mandates}).
 */
public final class JdbcAuditStore implements AuditStore {
    private static final String COLUMNS =
            "seq, occurred_at, event_type, actor, subject, reason, details, prev_hash, hash";

    private final Database db;

    /**
     * Creates the store over a migrated database.
     *
     * @param db the database
     */
    public JdbcAuditStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<AuditEvent> last() {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT " + COLUMNS + " FROM audit_events ORDER BY seq DESC LIMIT 1");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(event(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw unavailable("read the last audit event", e);
        }
    }

    @Override
    public void append(List<AuditEvent> events, @Nullable AuditCheckpoint checkpoint) {
        append(events, checkpoint, List.of());
    }

    /**
     * {@inheritDoc}
     *
     * <p>This store writes new mandates ({@link Mandate}) into table {@code mandates}, before the events; any other
     * kind of row fails the append. A mandate whose agent is not active in table {@code agents} is refused ({@link
     * RowsRefused}, nothing written), so opening a mandate serialises with disabling its agent on every replica.
     */
    @Override
    public void append(List<AuditEvent> events, @Nullable AuditCheckpoint checkpoint, List<AuditedRow> rows) {
        List<Mandate> mandates = new ArrayList<>(rows.size());
        for (AuditedRow row : rows) {
            if (!(row instanceof Mandate m)) {
                throw new MandateException(
                        ErrorCode.UNAVAILABLE,
                        "the audit store can write only mandates with its events, got a "
                                + row.getClass().getSimpleName());
            }
            mandates.add(m);
        }
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!mandates.isEmpty()) {
                    Map<AuditedRow, MandateException> refused = refuseInactiveAgents(c, mandates);
                    if (!refused.isEmpty()) {
                        throw new RowsRefused(refused);
                    }
                    try (PreparedStatement s = c.prepareStatement(MandateRows.INSERT)) {
                        for (Mandate m : mandates) {
                            MandateRows.bind(s, m);
                            s.addBatch();
                        }
                        s.executeBatch();
                    }
                }
                if (!events.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        for (AuditEvent e : events) {
                            s.setLong(1, e.seq());
                            s.setObject(2, Sql.timestamp(e.time()));
                            s.setString(3, e.type());
                            s.setString(4, e.actor());
                            s.setString(5, e.subject());
                            s.setString(6, e.reason());
                            s.setString(7, AuditEvent.encodeDetails(e.details()));
                            s.setString(8, e.prevHash());
                            s.setString(9, e.hash());
                            s.addBatch();
                        }
                        s.executeBatch();
                    }
                }
                if (checkpoint != null) {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO audit_checkpoints (seq, hash, created_at, signature) VALUES (?, ?, ?, ?)")) {
                        s.setLong(1, checkpoint.seq());
                        s.setString(2, checkpoint.hash());
                        s.setObject(3, Sql.timestamp(checkpoint.time()));
                        s.setString(4, checkpoint.signature());
                        s.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(
                    "append " + events.size() + " audit event(s)"
                            + (mandates.isEmpty() ? "" : " with " + mandates.size() + " mandate(s)"),
                    e);
        }
    }

    /**
     * The new mandates whose agent is not active in the store, each with the refusal its caller gets. On PostgreSQL the
     * agents' rows are share-locked ({@code FOR SHARE}) until the transaction ends, so a disable on any replica (an
     * {@code UPDATE} of the row) either committed before this read, and the mandate is refused, or waits until the
     * mandate's row is committed, and then ends it with the agent's other mandates. H2 serves one node, whose registry
     * orders a disable after the mandates being opened ({@code MandateRegistry}); a plain read suffices there.
     */
    private Map<AuditedRow, MandateException> refuseInactiveAgents(Connection c, List<Mandate> mandates)
            throws SQLException {
        Map<String, String> status = new HashMap<>();
        List<String> agents = mandates.stream()
                .map(m -> m.agent().toString())
                .distinct()
                .sorted()
                .toList();
        String sql = "SELECT spiffe_id, status FROM agents WHERE spiffe_id IN ("
                + String.join(", ", java.util.Collections.nCopies(agents.size(), "?")) + ")"
                + (db.dialect() == Database.Dialect.POSTGRESQL ? " ORDER BY spiffe_id FOR SHARE" : "");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < agents.size(); i++) {
                s.setString(i + 1, agents.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    status.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        Map<AuditedRow, MandateException> refused = new HashMap<>();
        for (Mandate m : mandates) {
            String agent = m.agent().toString();
            String now = status.get(agent);
            if (!AgentStatus.ACTIVE.wireName().equals(now)) {
                refused.put(
                        m,
                        new MandateRefused(
                                MandateRefused.Rule.AGENT,
                                "agent " + agent + " is " + (now == null ? "not registered" : now)
                                        + " in the store, so mandate " + m.id()
                                        + " was not opened (a mandate is stored only for an active agent)"));
            }
        }
        return refused;
    }

    @Override
    public List<AuditEvent> read(long afterSeq, int limit) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT " + COLUMNS + " FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?")) {
            s.setLong(1, afterSeq);
            s.setInt(2, limit);
            List<AuditEvent> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(event(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("read audit events", e);
        }
    }

    @Override
    public List<AuditCheckpoint> checkpoints() {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT seq, hash, created_at, signature FROM audit_checkpoints ORDER BY seq");
                ResultSet rs = s.executeQuery()) {
            List<AuditCheckpoint> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new AuditCheckpoint(rs.getLong(1), rs.getString(2), Sql.instant(rs, 3), rs.getString(4)));
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("read audit checkpoints", e);
        }
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        java.util.Map<String, String> details;
        try {
            details = AuditEvent.decodeDetails(rs.getString(7));
        } catch (IllegalArgumentException e) {
            // A tampered details column still yields an event, whose recomputed hash then fails verification.
            details = java.util.Map.of("undecodable", rs.getString(7));
        }
        return new AuditEvent(
                rs.getLong(1),
                Sql.instant(rs, 2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                details,
                rs.getString(8),
                rs.getString(9));
    }

    private static MandateException unavailable(String what, SQLException e) {
        return new MandateException(ErrorCode.UNAVAILABLE, "the store could not " + what + ": " + e.getMessage(), e);
    }
}

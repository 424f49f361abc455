package dev.mandate.store;

import dev.mandate.core.MandateException;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.Tier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping between a {@link Mandate} and a row of table {@code mandates}, used by {@link JdbcMandateStore}, by
 * {@link JdbcAuditStore} (new mandates with their audit event) and by the replicas' change feed ({@link PostgresChangeFeed}), so that a mandate learned from another replica carries
 * every field a restart would restore (its clearance included).
 */
final class MandateRows {
    /** The columns {@link #read} expects and {@link #bind} writes, in order. */
    static final String COLUMNS = "id, agent, on_behalf_of, purpose, tools, resources, tier, parent_id, depth,"
            + " issued_at, expires_at, max_expires_at, ttl_millis, state, flow_labels, label_ceiling, call_budget,"
            + " ended_at, end_reason, clearance";

    /** Inserts one new mandate; bind it with {@link #bind}. */
    static final String INSERT = "INSERT INTO mandates (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private MandateRows() {}

    /** {@link #COLUMNS}, each prefixed with a table alias. */
    static String columns(String alias) {
        return Arrays.stream(COLUMNS.split(",\\s*")).map(c -> alias + "." + c).collect(Collectors.joining(", "));
    }

    /** Reads the mandate in the current row of a result set selected with {@link #COLUMNS}. */
    static Mandate read(ResultSet rs) throws SQLException {
        return new Mandate(
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
                clearance(rs.getString(20), rs.getString(3)));
    }

    /** Binds a mandate to the 20 parameters of an insert over {@link #COLUMNS}. */
    static void bind(PreparedStatement s, Mandate m) throws SQLException {
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

    /** A set of names as stored: space-separated. */
    static String join(Set<String> names) {
        return String.join(" ", names);
    }

    /** A stored set of names: space-separated, empty for none. */
    static Set<String> split(String text) {
        return text.isEmpty() ? Set.of() : Arrays.stream(text.split(" ")).collect(Collectors.toUnmodifiableSet());
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
}

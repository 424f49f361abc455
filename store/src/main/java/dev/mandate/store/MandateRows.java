package dev.mandate.store;

import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.Tier;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads rows of table {@code mandates} for the replicas' change feed. The same mapping as
 * {@link JdbcMandateStore#loadAll}, kept apart so that the two can change independently until they are merged.
 */
final class MandateRows {
    /** The columns {@link #read} expects, in order; prefix them with a table alias where needed. */
    static final String COLUMNS = "id, agent, on_behalf_of, purpose, tools, resources, tier, parent_id, depth,"
            + " issued_at, expires_at, max_expires_at, ttl_millis, state, flow_labels, label_ceiling, call_budget,"
            + " ended_at, end_reason";

    private MandateRows() {}

    static String columns(String alias) {
        return Arrays.stream(COLUMNS.split(",\\s*")).map(c -> alias + "." + c).collect(Collectors.joining(", "));
    }

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
                rs.getString(19));
    }

    private static Set<String> split(String text) {
        return text.isEmpty() ? Set.of() : Arrays.stream(text.split(" ")).collect(Collectors.toUnmodifiableSet());
    }
}

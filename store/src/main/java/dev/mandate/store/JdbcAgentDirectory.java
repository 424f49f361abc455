package dev.mandate.store;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentDirectory;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Tier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@link AgentDirectory} on the {@code agents} table. */
public final class JdbcAgentDirectory implements AgentDirectory {
    private static final String COLUMNS =
            "name, spiffe_id, owner_name, tier, purposes, labels_ceiling, status, created_at, updated_at";

    private final Database database;

    /**
     * Creates the directory.
     *
     * @param database the migrated store
     */
    public JdbcAgentDirectory(Database database) {
        this.database = database;
    }

    @Override
    public Optional<Agent> find(SpiffeId id) {
        return queryOne("SELECT " + COLUMNS + " FROM agents WHERE spiffe_id = ?", id.toString());
    }

    @Override
    public Optional<Agent> findByName(String name) {
        return queryOne("SELECT " + COLUMNS + " FROM agents WHERE name = ?", name);
    }

    @Override
    public List<Agent> list() {
        return Jdbc.run(database.dataSource(), "list agents", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agents ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                List<Agent> agents = new ArrayList<>();
                while (rs.next()) {
                    agents.add(read(rs));
                }
                return agents;
            }
        });
    }

    @Override
    public void register(Agent agent) {
        Jdbc.run(database.dataSource(), "register agent " + agent.name(), c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO agents (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, agent.name());
                ps.setString(2, agent.id().toString());
                ps.setString(3, agent.owner());
                ps.setString(4, agent.tier().wireName());
                ps.setString(5, String.join(",", agent.purposes()));
                ps.setString(6, join(agent.labelsCeiling()));
                ps.setString(7, agent.status().wireName());
                Jdbc.setInstant(ps, 8, agent.created());
                Jdbc.setInstant(ps, 9, agent.created());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void update(Agent agent) {
        int n = Jdbc.run(database.dataSource(), "update agent " + agent.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET owner_name = ?, tier = ?, purposes = ?,"
                    + " labels_ceiling = ?, status = ?, updated_at = ? WHERE name = ?")) {
                ps.setString(1, agent.owner());
                ps.setString(2, agent.tier().wireName());
                ps.setString(3, String.join(",", agent.purposes()));
                ps.setString(4, join(agent.labelsCeiling()));
                ps.setString(5, agent.status().wireName());
                Jdbc.setInstant(ps, 6, Instant.now());
                ps.setString(7, agent.name());
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw notFound(agent.name());
        }
    }

    @Override
    public Agent disable(String name) {
        int n = Jdbc.run(database.dataSource(), "disable agent " + name, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE agents SET status = ?, updated_at = ? WHERE name = ?")) {
                ps.setString(1, AgentStatus.DISABLED.wireName());
                Jdbc.setInstant(ps, 2, Instant.now());
                ps.setString(3, name);
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw notFound(name);
        }
        return findByName(name).orElseThrow(() -> notFound(name));
    }

    private Optional<Agent> queryOne(String sql, String value) {
        return Jdbc.run(database.dataSource(), "read an agent", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<Agent>empty();
                }
            }
        });
    }

    private static Agent read(ResultSet rs) throws SQLException {
        String ceiling = rs.getString("labels_ceiling");
        return new Agent(
                rs.getString("name"),
                SpiffeId.parse(rs.getString("spiffe_id")),
                rs.getString("owner_name"),
                Tier.parse(rs.getString("tier")),
                split(rs.getString("purposes")),
                ceiling == null ? null : split(ceiling),
                AgentStatus.parse(rs.getString("status")),
                Jdbc.getRequiredInstant(rs, "created_at"));
    }

    private static Set<String> split(String joined) {
        return joined.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(joined.split(",")));
    }

    private static @Nullable String join(@Nullable Set<String> words) {
        return words == null ? null : String.join(",", words);
    }

    private static MandateException notFound(String name) {
        return new MandateException(ErrorCode.NOT_FOUND, "no agent named '" + name + "'");
    }
}

package dev.mandate.store;

import dev.mandate.core.identity.JoinTokenRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** {@link JoinTokenRepository} on the {@code join_tokens} table: digests only, used up by one conditional update. */
public final class JdbcJoinTokenRepository implements JoinTokenRepository {
    private final Database database;

    /**
     * Creates the repository.
     *
     * @param database the migrated store
     */
    public JdbcJoinTokenRepository(Database database) {
        this.database = database;
    }

    @Override
    public void add(String digest, String agentName, Instant createdAt, Instant expiresAt) {
        Jdbc.run(database.dataSource(), "store a join token for agent " + agentName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO join_tokens (token_digest, agent_name, created_at, expires_at, used_at)"
                            + " VALUES (?, ?, ?, ?, NULL)")) {
                ps.setString(1, digest);
                ps.setString(2, agentName);
                Jdbc.setInstant(ps, 3, createdAt);
                Jdbc.setInstant(ps, 4, expiresAt);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<String> consume(String digest, Instant now) {
        return Jdbc.inTransaction(database.dataSource(), "use a join token", c -> {
            // The conditional update is the one step that decides: of two concurrent uses, one updates a row.
            try (PreparedStatement use = c.prepareStatement("UPDATE join_tokens SET used_at = ?"
                    + " WHERE token_digest = ? AND used_at IS NULL AND expires_at > ?")) {
                Jdbc.setInstant(use, 1, now);
                use.setString(2, digest);
                Jdbc.setInstant(use, 3, now);
                if (use.executeUpdate() != 1) {
                    return Optional.<String>empty();
                }
            }
            try (PreparedStatement read =
                    c.prepareStatement("SELECT agent_name FROM join_tokens WHERE token_digest = ?")) {
                read.setString(1, digest);
                try (ResultSet rs = read.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }
}

package dev.mandate.store;

import dev.mandate.core.keys.KeyRepository;
import dev.mandate.core.keys.StoredKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link KeyRepository} on the {@code signing_keys} table. Private keys are stored and read, never logged. */
public final class JdbcKeyRepository implements KeyRepository {
    private final Database database;

    /**
     * Creates the repository.
     *
     * @param database the migrated store
     */
    public JdbcKeyRepository(Database database) {
        this.database = database;
    }

    @Override
    public List<StoredKey> load(String keySet) {
        return Jdbc.run(database.dataSource(), "load key set " + keySet, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kid, private_jwk, created_at, retired_at FROM signing_keys WHERE key_set = ?"
                            + " ORDER BY created_at, kid")) {
                ps.setString(1, keySet);
                List<StoredKey> keys = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(new StoredKey(
                                rs.getString("kid"),
                                rs.getString("private_jwk"),
                                Jdbc.getRequiredInstant(rs, "created_at"),
                                Jdbc.getInstant(rs, "retired_at")));
                    }
                }
                return keys;
            }
        });
    }

    @Override
    public void rotate(String keySet, StoredKey next) {
        Jdbc.inTransaction(database.dataSource(), "rotate key set " + keySet, c -> {
            try (PreparedStatement retire = c.prepareStatement(
                    "UPDATE signing_keys SET retired_at = ? WHERE key_set = ? AND retired_at IS NULL")) {
                Jdbc.setInstant(retire, 1, next.createdAt());
                retire.setString(2, keySet);
                retire.executeUpdate();
            }
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO signing_keys (key_set, kid, private_jwk, created_at, retired_at)"
                            + " VALUES (?, ?, ?, ?, NULL)")) {
                insert.setString(1, keySet);
                insert.setString(2, next.kid());
                insert.setString(3, next.privateJwk());
                Jdbc.setInstant(insert, 4, next.createdAt());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int removeRetiredBefore(String keySet, Instant cutoff) {
        return Jdbc.run(database.dataSource(), "prune key set " + keySet, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM signing_keys WHERE key_set = ? AND retired_at IS NOT NULL AND retired_at < ?")) {
                ps.setString(1, keySet);
                Jdbc.setInstant(ps, 2, cutoff);
                return ps.executeUpdate();
            }
        });
    }
}

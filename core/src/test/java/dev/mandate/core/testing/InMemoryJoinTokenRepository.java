package dev.mandate.core.testing;

import dev.mandate.core.identity.JoinTokenRepository;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Join tokens in memory, for tests of core alone. */
public final class InMemoryJoinTokenRepository implements JoinTokenRepository {
    private record Row(String agent, Instant expiresAt, boolean used) {}

    private final Map<String, Row> rows = new HashMap<>();

    @Override
    public synchronized void add(String digest, String agentName, Instant createdAt, Instant expiresAt) {
        rows.put(digest, new Row(agentName, expiresAt, false));
    }

    @Override
    public synchronized Optional<String> consume(String digest, Instant now) {
        Row row = rows.get(digest);
        if (row == null || row.used() || !now.isBefore(row.expiresAt())) {
            return Optional.empty();
        }
        rows.put(digest, new Row(row.agent(), row.expiresAt(), true));
        return Optional.of(row.agent());
    }

    public synchronized Map<String, String> digests() {
        Map<String, String> m = new HashMap<>();
        rows.forEach((d, r) -> m.put(d, r.agent()));
        return m;
    }
}

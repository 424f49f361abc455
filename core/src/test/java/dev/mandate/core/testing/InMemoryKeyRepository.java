package dev.mandate.core.testing;

import dev.mandate.core.keys.KeyRepository;
import dev.mandate.core.keys.StoredKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A key repository in memory, for tests of core alone; the store's JDBC one is tested against real databases. */
public final class InMemoryKeyRepository implements KeyRepository {
    private final Map<String, List<StoredKey>> sets = new HashMap<>();

    @Override
    public synchronized List<StoredKey> load(String keySet) {
        return List.copyOf(sets.getOrDefault(keySet, List.of()));
    }

    @Override
    public synchronized void rotate(String keySet, StoredKey next) {
        List<StoredKey> keys = new ArrayList<>();
        for (StoredKey k : sets.getOrDefault(keySet, List.of())) {
            keys.add(
                    k.retiredAt() == null
                            ? new StoredKey(k.kid(), k.privateJwk(), k.createdAt(), next.createdAt())
                            : k);
        }
        keys.add(next);
        sets.put(keySet, keys);
    }

    @Override
    public synchronized int removeRetiredBefore(String keySet, Instant cutoff) {
        List<StoredKey> keys = new ArrayList<>(sets.getOrDefault(keySet, List.of()));
        int before = keys.size();
        keys.removeIf(k -> k.retiredAt() != null && k.retiredAt().isBefore(cutoff));
        sets.put(keySet, keys);
        return before - keys.size();
    }
}

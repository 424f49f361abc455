package dev.mandate.core.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

final class RandomIdsTest {
    @Test
    void anIdIs128BitsInBase64url() {
        String id = RandomIds.next128();

        assertThat(id).matches("[A-Za-z0-9_-]{22}");
        assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
    }

    @Test
    void concurrentCallersNeverGetTheSameId() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        seen.add(RandomIds.next128());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(seen).hasSize(40_000);
    }
}

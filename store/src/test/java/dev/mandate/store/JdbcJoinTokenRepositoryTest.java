package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.MandateException;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Tier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class JdbcJoinTokenRepositoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static JdbcJoinTokenRepository withAgent(Database db) {
        new JdbcAgentDirectory(db)
                .register(new Agent(
                        "bot",
                        SpiffeId.agent("mandate.local", "bot"),
                        "team",
                        Tier.COPILOT,
                        Set.of(),
                        null,
                        AgentStatus.ACTIVE,
                        T0));
        return new JdbcJoinTokenRepository(db);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aTokenIsUsedOnceAndOnlyBeforeItExpires(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            JdbcJoinTokenRepository tokens = withAgent(db);
            tokens.add("sha256:a", "bot", T0, T0.plus(Duration.ofMinutes(10)));
            tokens.add("sha256:b", "bot", T0, T0.plus(Duration.ofMinutes(10)));
            assertThat(tokens.consume("sha256:a", T0.plusSeconds(1))).contains("bot");
            assertThat(tokens.consume("sha256:a", T0.plusSeconds(2))).isEmpty();
            assertThat(tokens.consume("sha256:b", T0.plus(Duration.ofMinutes(10))))
                    .isEmpty();
            assertThat(tokens.consume("sha256:unknown", T0)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void ofConcurrentUsesExactlyOneWins(TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, dir)) {
            JdbcJoinTokenRepository tokens = withAgent(db);
            tokens.add("sha256:race", "bot", T0, T0.plus(Duration.ofMinutes(10)));
            List<Callable<Optional<String>>> uses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                uses.add(() -> tokens.consume("sha256:race", T0.plusSeconds(1)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                int wins = 0;
                for (Future<Optional<String>> f : pool.invokeAll(uses)) {
                    wins += f.get().isPresent() ? 1 : 0;
                }
                assertThat(wins).isOne();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aTokenForAnUnknownAgentIsRefusedByTheStore(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            JdbcJoinTokenRepository tokens = new JdbcJoinTokenRepository(db);
            assertThatThrownBy(() -> tokens.add("sha256:x", "ghost", T0, T0.plusSeconds(60)))
                    .isInstanceOf(MandateException.class);
        }
    }
}

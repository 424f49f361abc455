package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.testing.InMemoryAgentDirectory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class CachedAgentDirectoryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");

    /** The agents in memory, counting reads, and failing writes while broken. */
    private static final class RecordingStore implements AgentDirectory {
        final InMemoryAgentDirectory agents = new InMemoryAgentDirectory();
        int reads;
        boolean broken;

        @Override
        public synchronized Optional<Agent> find(SpiffeId id) {
            reads++;
            return agents.find(id);
        }

        @Override
        public synchronized Optional<Agent> findByName(String name) {
            reads++;
            return agents.findByName(name);
        }

        @Override
        public List<Agent> list() {
            return agents.list();
        }

        @Override
        public void register(Agent agent) {
            check();
            agents.register(agent);
        }

        @Override
        public void update(Agent agent) {
            check();
            agents.update(agent);
        }

        @Override
        public Agent disable(String name) {
            check();
            return agents.disable(name);
        }

        private void check() {
            if (broken) {
                throw new MandateException(ErrorCode.UNAVAILABLE, "store down");
            }
        }
    }

    private final RecordingStore store = new RecordingStore();
    private final CachedAgentDirectory cached = new CachedAgentDirectory(store);
    private final List<AuditEntry> audit = new ArrayList<>();
    private final AgentRegistry registry = new AgentRegistry(cached, audit::add, CLOCK, "mandate.local");

    private Agent registerBot() {
        return registry.register(
                new AgentRegistration("bot", "team-a", Tier.COPILOT, Set.of("support"), null, null), "admin");
    }

    @Test
    void aRegisteredAgentIsReadFromMemoryAfterItsFirstRead() {
        Agent bot = registerBot();
        int readsAfterRegistering = store.reads;

        for (int i = 0; i < 5; i++) {
            assertThat(cached.find(BOT)).contains(bot);
            assertThat(cached.findByName("bot")).contains(bot);
        }

        assertThat(store.reads).isEqualTo(readsAfterRegistering);
    }

    @Test
    void aDisabledAgentIsSeenDisabledOnTheVeryNextReadAndByTheDisableListeners() {
        registerBot();
        assertThat(cached.find(BOT).orElseThrow().isActive()).isTrue();
        List<Boolean> activeWhenListenerRan = new ArrayList<>();
        registry.onDisabled(
                a -> activeWhenListenerRan.add(cached.find(a.id()).orElseThrow().isActive()));

        registry.disable("bot", "admin", "kill switch");

        assertThat(cached.find(BOT).orElseThrow().status()).isEqualTo(AgentStatus.DISABLED);
        assertThat(cached.findByName("bot").orElseThrow().status()).isEqualTo(AgentStatus.DISABLED);
        assertThat(activeWhenListenerRan).containsExactly(false);
    }

    @Test
    void anUpdateIsSeenAtOnceIncludingADisableByUpdate() {
        registerBot();
        cached.find(BOT);

        registry.update("bot", new AgentChanges(null, Tier.AUTONOMOUS, Set.of("billing"), null, false, null), "admin");
        assertThat(cached.find(BOT).orElseThrow().tier()).isEqualTo(Tier.AUTONOMOUS);
        assertThat(cached.find(BOT).orElseThrow().purposes()).containsExactly("billing");

        registry.update("bot", new AgentChanges(null, null, null, null, false, AgentStatus.DISABLED), "admin");
        assertThat(cached.find(BOT).orElseThrow().isActive()).isFalse();
    }

    @Test
    void aFailedChangeForgetsTheAgentSoTheNextReadAsksTheStore() {
        Agent bot = registerBot();
        cached.find(BOT);
        store.broken = true;

        assertThatThrownBy(() -> registry.disable("bot", "admin", null))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        // What the store holds now is unknown to the cache (here another path disabled it after all).
        store.broken = false;
        store.agents.disable("bot");
        int reads = store.reads;

        assertThat(cached.find(BOT).orElseThrow().status()).isEqualTo(AgentStatus.DISABLED);
        assertThat(store.reads).isEqualTo(reads + 1);
        assertThat(bot.isActive()).isTrue();
    }

    @Test
    void anUnknownAgentIsNotRememberedAsAbsent() {
        assertThat(cached.find(BOT)).isEmpty();
        store.agents.register(new Agent(
                "bot", BOT, "team-a", Tier.COPILOT, Set.of("support"), null, AgentStatus.ACTIVE, CLOCK.instant()));

        assertThat(cached.find(BOT)).isPresent();
        assertThat(cached.findByName("bot")).isPresent();
    }

    @Test
    void aRefusedRegistrationLeavesTheRegisteredAgentVisible() {
        Agent bot = registerBot();

        assertThatThrownBy(() -> cached.register(new Agent(
                        "bot",
                        SpiffeId.parse("spiffe://mandate.local/agent/other"),
                        "team-b",
                        Tier.COPILOT,
                        Set.of(),
                        null,
                        AgentStatus.ACTIVE,
                        CLOCK.instant())))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));

        assertThat(cached.findByName("bot")).contains(bot);
        assertThat(cached.find(BOT)).contains(bot);
        assertThat(cached.find(SpiffeId.parse("spiffe://mandate.local/agent/other")))
                .isEmpty();
    }
}

package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentChanges;
import dev.mandate.core.identity.AgentRegistration;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Tier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class JdbcAgentDirectoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final List<AuditEntry> audit = new ArrayList<>();
    private final List<Agent> disabled = new ArrayList<>();

    private AgentRegistry registry(Database db) {
        AgentRegistry registry = new AgentRegistry(
                new JdbcAgentDirectory(db), audit::add, Clock.fixed(T0, ZoneOffset.UTC), "mandate.local");
        registry.onDisabled(disabled::add);
        return registry;
    }

    private static AgentRegistration bot(String name) {
        return new AgentRegistration(name, "team-support", Tier.COPILOT, Set.of("support", "billing"), null, null);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aRegisteredAgentIsFoundByNameAndSpiffeIdWithEveryField(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            AgentRegistry registry = registry(db);
            Agent agent = registry.register(
                    new AgentRegistration(
                            "support-bot",
                            "alice",
                            Tier.AUTONOMOUS,
                            Set.of("support"),
                            Set.of("internal", "pii"),
                            null),
                    "admin");
            assertThat(agent.id()).isEqualTo(SpiffeId.parse("spiffe://mandate.local/agent/support-bot"));
            assertThat(registry.find(agent.id())).contains(agent);
            assertThat(registry.get("support-bot")).isEqualTo(agent);
            assertThat(agent.labelsCeiling()).containsExactly("internal", "pii");
            assertThat(agent.created()).isEqualTo(T0);
            assertThat(audit).extracting(AuditEntry::type).containsExactly("agent.registered");
            assertThat(audit.get(0).subject()).isEqualTo("spiffe://mandate.local/agent/support-bot");
            assertThat(audit.get(0).actor()).isEqualTo("admin");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void anEmptyCeilingAndNoCeilingStayDistinct(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            AgentRegistry registry = registry(db);
            registry.register(bot("none"), "admin");
            registry.register(new AgentRegistration("empty", "bob", Tier.COPILOT, Set.of(), Set.of(), null), "admin");
            assertThat(registry.get("none").labelsCeiling()).isNull();
            assertThat(registry.get("empty").labelsCeiling()).isEmpty();
            assertThat(registry.get("empty").purposes()).isEmpty();
            assertThat(registry.list()).extracting(Agent::name).containsExactly("empty", "none");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aTakenNameOrSpiffeIdIsAConflict(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            AgentRegistry registry = registry(db);
            registry.register(bot("a"), "admin");
            assertThatThrownBy(() -> registry.register(bot("a"), "admin"))
                    .isInstanceOf(MandateException.class)
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            AgentRegistration sameId = new AgentRegistration(
                    "b", "x", Tier.COPILOT, Set.of(), null, SpiffeId.parse("spiffe://mandate.local/agent/a"));
            assertThatThrownBy(() -> registry.register(sameId, "admin")).hasMessageContaining("already authenticates");
            assertThatThrownBy(() -> new JdbcAgentDirectory(db).register(registry.get("a")))
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            assertThat(audit).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void updateChangesOnlyWhatIsGivenAndIsAudited(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            AgentRegistry registry = registry(db);
            registry.register(
                    new AgentRegistration("a", "alice", Tier.COPILOT, Set.of("x"), Set.of("internal"), null), "admin");
            Agent changed = registry.update(
                    "a", new AgentChanges(null, Tier.AUTONOMOUS, Set.of("y", "z"), null, false, null), "admin");
            assertThat(changed.owner()).isEqualTo("alice");
            assertThat(changed.tier()).isEqualTo(Tier.AUTONOMOUS);
            assertThat(changed.purposes()).containsExactly("y", "z");
            assertThat(changed.labelsCeiling()).containsExactly("internal");
            assertThat(registry.get("a")).isEqualTo(changed);
            Agent cleared = registry.update("a", new AgentChanges(null, null, null, null, true, null), "admin");
            assertThat(registry.get("a").labelsCeiling()).isNull();
            assertThat(registry.update("a", new AgentChanges(null, null, null, null, false, null), "admin"))
                    .isEqualTo(cleared);
            assertThat(audit)
                    .extracting(AuditEntry::type)
                    .containsExactly("agent.registered", "agent.updated", "agent.updated");
            assertThatThrownBy(
                            () -> registry.update("ghost", new AgentChanges("o", null, null, null, false, null), "x"))
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void disablingIsStoredAuditedOnceAndToldToListeners(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, dir)) {
            AgentRegistry registry = registry(db);
            registry.register(bot("a"), "admin");
            Agent off = registry.disable("a", "admin", "compromised");
            assertThat(off.status()).isEqualTo(AgentStatus.DISABLED);
            assertThat(registry.get("a").isActive()).isFalse();
            registry.disable("a", "admin", "again");
            assertThat(audit).extracting(AuditEntry::type).containsExactly("agent.registered", "agent.disabled");
            assertThat(audit.get(1).reason()).isEqualTo("compromised");
            assertThat(disabled).extracting(Agent::name).containsExactly("a");
            Agent back =
                    registry.update("a", new AgentChanges(null, null, null, null, false, AgentStatus.ACTIVE), "admin");
            assertThat(back.isActive()).isTrue();
            assertThatThrownBy(() -> registry.disable("ghost", "admin", null))
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }
}

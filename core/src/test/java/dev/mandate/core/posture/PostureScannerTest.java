package dev.mandate.core.posture;

import static dev.mandate.core.access.AccessFixtures.SCENARIO;
import static dev.mandate.core.access.AccessFixtures.T0;
import static dev.mandate.core.access.AccessFixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.core.access.AccessFixtures;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class PostureScannerTest {
    private static final Instant OLD = T0.minus(Duration.ofDays(40));
    private static final Instant SINCE = T0.minus(Duration.ofDays(60));

    private final MutableClock clock = new MutableClock(T0);

    private List<Finding> scan(String policies, PostureInputs in) {
        return new PostureScanner(
                        AccessFixtures.analyzer(policies), MandateLimits.defaults(), PostureSettings.DEFAULTS, clock)
                .scan(in);
    }

    private static PostureInputs inputs(
            List<Agent> agents, Set<String> inactive, List<Lease> leases, List<Lease> shared, AgentActivity activity) {
        return new PostureInputs(agents, inactive, List.of(), leases, shared, activity, AccessFixtures.TARGETS);
    }

    private static PostureInputs agentsOnly(List<Agent> agents, AgentActivity activity) {
        return inputs(agents, Set.of(), List.of(), List.of(), activity);
    }

    private static AgentActivity seen(Agent agent, Instant at, String... toolsAllowed) {
        List<AuditEvent> events = new ArrayList<>();
        events.add(AuditEvent.chain(
                1,
                at,
                new AuditEntry("mandate.opened", agent.id().toString(), "mdt_1", null, Map.of()),
                AuditEvent.GENESIS_HASH));
        for (String tool : toolsAllowed) {
            events.add(AuditEvent.chain(
                    events.size() + 1,
                    at,
                    new AuditEntry(
                            "gateway.call",
                            agent.id().toString(),
                            "mdt_1",
                            null,
                            Map.of("tool", tool, "decision", "allow")),
                    AuditEvent.GENESIS_HASH));
        }
        return AgentActivity.from(events, SINCE);
    }

    private static Lease lease(
            String id,
            String agentId,
            String backend,
            String scope,
            Duration maxTtl,
            Instant expires,
            LeaseState state) {
        Instant issued = expires.minus(maxTtl);
        return new Lease(id, "mdt_1", agentId, backend, scope, issued, maxTtl, maxTtl, expires, false, state, null);
    }

    private static List<String> rules(List<Finding> findings) {
        return findings.stream().map(f -> f.rule().id()).toList();
    }

    @Test
    void anAgentWithAPlaceholderOwnerHasNoAccountableOwner() {
        Agent a = agent("ghost-bot", "Unknown", "triage");

        List<Finding> f = scan(SCENARIO, agentsOnly(List.of(a), seen(a, T0)));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.OWNER_MISSING)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.id()).isEqualTo("owner-missing:ghost-bot");
                    assertThat(x.severity()).isEqualTo(Severity.HIGH);
                    assertThat(x.evidence()).contains("'Unknown'");
                    assertThat(x.controls().owaspNhi()).containsExactly("NHI1");
                    assertThat(x.controls().nistAiRmf()).containsExactly("GOVERN");
                });
    }

    @Test
    void anOwnerListedInactiveOrADisabledAgentOwnerIsInactive() {
        Agent left = agent("left-bot", "bob", "triage");
        Agent parent = agent("parent-bot", "team-support", "triage", AgentStatus.DISABLED, OLD);
        Agent child = agent("child-bot", "parent-bot", "triage");

        List<Finding> f = scan(
                SCENARIO,
                inputs(List.of(left, parent, child), Set.of("bob"), List.of(), List.of(), AgentActivity.NONE));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.OWNER_INACTIVE)
                .extracting(Finding::subject)
                .containsExactlyInAnyOrder("left-bot", "child-bot");
    }

    @Test
    void anActiveAgentUnseenForLongerThanTheWindowIsDormant() {
        Agent dormant = agent("sleepy-bot", "team-support", "triage", AgentStatus.ACTIVE, OLD);
        Agent busy = agent("busy-bot", "team-support", "triage", AgentStatus.ACTIVE, OLD);

        List<Finding> f = scan(SCENARIO, agentsOnly(List.of(dormant, busy), seen(busy, T0.minusSeconds(60))));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.DORMANT_AGENT)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.subject()).isEqualTo("sleepy-bot");
                    assertThat(x.evidence()).contains("40 d ago").contains("no audit event names it");
                });
    }

    @Test
    void dormancyIsNotJudgedWhenTheAuditReadDoesNotCoverTheWindow() {
        Agent dormant = agent("sleepy-bot", "team-support", "triage", AgentStatus.ACTIVE, OLD);
        AgentActivity shortRead = AgentActivity.from(List.of(), T0.minus(Duration.ofDays(2)));

        assertThat(rules(scan(SCENARIO, agentsOnly(List.of(dormant), shortRead))))
                .doesNotContain("dormant-agent", "unused-permission");
    }

    @Test
    void aFakeClockMovingPastTheWindowMakesAnAgentDormant() {
        Agent a = agent("bot", "team-support", "triage", AgentStatus.ACTIVE, T0.minus(Duration.ofDays(1)));
        AgentActivity activity = AgentActivity.from(List.of(), SINCE);

        assertThat(rules(scan(SCENARIO, agentsOnly(List.of(a), activity)))).doesNotContain("dormant-agent");
        clock.advance(Duration.ofDays(31));
        assertThat(rules(scan(SCENARIO, agentsOnly(List.of(a), activity)))).contains("dormant-agent");
    }

    @Test
    void toolsAllowedButNotCalledInTheWindowAreUnusedPermissions() {
        Agent a = agent("support-bot", "team-support", "triage", AgentStatus.ACTIVE, OLD);

        List<Finding> f = scan(SCENARIO, agentsOnly(List.of(a), seen(a, T0, "crm.get_customer", "tickets.read")));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.UNUSED_PERMISSION)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.evidence())
                            .contains("docs.search", "webhook.post")
                            .doesNotContain("crm.get_customer");
                    assertThat(x.title()).contains("2 tool(s)");
                    assertThat(x.severity()).isEqualTo(Severity.LOW);
                });
    }

    @Test
    void aLeaseLongerThanTheTierAllowsIsALongLivedCredential() {
        Agent a = agent("support-bot", "team-support", "triage");
        Lease standing = lease(
                "l-standing",
                a.id().toString(),
                "pg",
                "read",
                Duration.ofHours(12),
                T0.plusSeconds(3600),
                LeaseState.ACTIVE);
        Lease fine = lease(
                "l-fine",
                a.id().toString(),
                "pg",
                "read",
                Duration.ofMinutes(10),
                T0.plusSeconds(300),
                LeaseState.ACTIVE);

        List<Finding> f = scan(SCENARIO, inputs(List.of(a), Set.of(), List.of(standing, fine), List.of(), seen(a, T0)));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.LONG_LIVED_CREDENTIAL)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.subject()).isEqualTo("lease/l-standing");
                    assertThat(x.evidence()).contains("PT12H").contains("tier autonomous");
                    assertThat(x.controls().owaspNhi()).containsExactly("NHI7");
                });
    }

    @Test
    void oneSharedAccountCheckedOutByTwoAgentsIsASharedSecret() {
        Agent a = agent("a-bot", "team-support", "triage");
        Agent b = agent("b-bot", "team-support", "triage");
        Lease la = lease(
                "l-a",
                a.id().toString(),
                "legacy",
                "svc",
                Duration.ofMinutes(5),
                T0.minusSeconds(600),
                LeaseState.REVOKED);
        Lease lb = lease(
                "l-b",
                b.id().toString(),
                "legacy",
                "svc",
                Duration.ofMinutes(5),
                T0.minusSeconds(60),
                LeaseState.EXPIRED);
        Lease other = lease("l-c", a.id().toString(), "legacy", "other", Duration.ofMinutes(5), T0, LeaseState.EXPIRED);

        List<Finding> f =
                scan(SCENARIO, inputs(List.of(a, b), Set.of(), List.of(), List.of(la, lb, other), AgentActivity.NONE));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.SHARED_SECRET)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.subject()).isEqualTo("legacy/svc");
                    assertThat(x.evidence()).contains("a-bot", "b-bot");
                    assertThat(x.controls().owaspNhi()).contains("NHI9");
                });
    }

    @Test
    void anUnconstrainedPermitIsACriticalBroadPolicy() {
        Agent a = agent("support-bot", "team-support", "triage");

        List<Finding> f = scan(
                SCENARIO + "\n@id(\"yolo\") permit (principal, action, resource);",
                agentsOnly(List.of(a), AgentActivity.NONE));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.BROAD_POLICY)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.subject()).isEqualTo("yolo");
                    assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(x.evidence()).contains("p.cedar").contains("4 action(s)");
                });
        assertThat(f.get(0).severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void permitsWithoutForbidsAreACriticalToxicFlowAndTheScenarioPoliciesAreNot() {
        Agent a = agent("support-bot", "team-support", "triage");

        assertThat(scan(AccessFixtures.PERMITS_ONLY, agentsOnly(List.of(a), AgentActivity.NONE)))
                .filteredOn(x -> x.rule() == Rule.TOXIC_FLOW)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.id()).isEqualTo("toxic-flow:support-bot/triage");
                    assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(x.evidence()).contains("crm.get_customer", "tickets.read", "webhook.post");
                    assertThat(x.controls().owaspAgentic()).contains("ASI01", "ASI02");
                });
        assertThat(rules(scan(SCENARIO, agentsOnly(List.of(a), AgentActivity.NONE))))
                .doesNotContain("toxic-flow");
    }

    @Test
    void aLeasePastItsExpiryButActiveIsPastItsHeartbeat() {
        Agent a = agent("support-bot", "team-support", "triage");
        Lease late = lease(
                "l-late",
                a.id().toString(),
                "pg",
                "read",
                Duration.ofMinutes(5),
                T0.minusSeconds(300),
                LeaseState.ACTIVE);
        Lease justNow = lease(
                "l-now",
                a.id().toString(),
                "pg",
                "read",
                Duration.ofMinutes(5),
                T0.minusSeconds(10),
                LeaseState.ACTIVE);

        List<Finding> f = scan(SCENARIO, inputs(List.of(a), Set.of(), List.of(late, justNow), List.of(), seen(a, T0)));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.PAST_HEARTBEAT)
                .extracting(Finding::subject)
                .containsExactly("lease/l-late");
    }

    @Test
    void aLeaseStillRevokingIsAStuckRevocation() {
        Agent a = agent("support-bot", "team-support", "triage");
        Lease stuck = lease(
                "l-stuck",
                a.id().toString(),
                "pg",
                "read",
                Duration.ofMinutes(5),
                T0.plusSeconds(60),
                LeaseState.REVOKING);

        List<Finding> f = scan(SCENARIO, inputs(List.of(a), Set.of(), List.of(stuck), List.of(), seen(a, T0)));

        assertThat(f)
                .filteredOn(x -> x.rule() == Rule.STUCK_REVOKING)
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.severity()).isEqualTo(Severity.HIGH);
                    assertThat(x.evidence()).contains("may work until " + T0.plusSeconds(60));
                });
    }

    @Test
    void aHealthyNodeHasNoFindings() {
        Agent a = agent("support-bot", "team-support", "triage");

        assertThat(scan(SCENARIO, agentsOnly(List.of(a), seen(a, T0)))).isEmpty();
    }

    @Test
    void everyRuleMapsToControlsOfAllThreeFrameworks() {
        for (Rule r : Rule.values()) {
            assertThat(r.controls().owaspNhi()).allMatch(id -> id.matches("NHI(10|[1-9])"));
            assertThat(r.controls().owaspAgentic()).allMatch(id -> id.matches("ASI(0[1-9]|10)"));
            assertThat(r.controls().nistAiRmf())
                    .isNotEmpty()
                    .allMatch(Set.of("GOVERN", "MAP", "MEASURE", "MANAGE")::contains);
        }
    }
}

package dev.mandate.core.policy;

import static dev.mandate.core.policy.Fixtures.BILLING_BOT;
import static dev.mandate.core.policy.Fixtures.SUMMARIZER;
import static dev.mandate.core.policy.Fixtures.SUPPORT_BOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class PolicyEngineTest {
    private static final PolicyStore STORE =
            PolicyStore.of(Map.of("support.cedar", Fixtures.SCENARIO_POLICIES), InstantSource.fixed(Fixtures.T0));
    private final PolicyEngine engine = new PolicyEngine(STORE::current);

    enum Outcome {
        ALLOW,
        DENY,
        APPROVAL
    }

    record Case(
            String name,
            AgentFacts agent,
            String purpose,
            String tool,
            String flow,
            Outcome outcome,
            List<String> policyIds) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> scenarioCases() {
        return Stream.of(
                new Case(
                        "trifecta: reading the ticket is allowed",
                        SUPPORT_BOT,
                        "triage",
                        "tickets.read",
                        "public",
                        Outcome.ALLOW,
                        List.of("support-triage")),
                new Case(
                        "trifecta: reading the customer after the ticket is allowed",
                        SUPPORT_BOT,
                        "triage",
                        "crm.get_customer",
                        "internal,untrusted",
                        Outcome.ALLOW,
                        List.of("support-triage")),
                new Case(
                        "trifecta: egress after pii and untrusted text is denied outright",
                        SUPPORT_BOT,
                        "triage",
                        "webhook.post",
                        "confidential,pii,untrusted",
                        Outcome.DENY,
                        List.of("no-egress-after-pii", "no-auto-egress-after-untrusted")),
                new Case(
                        "egress after pii alone is held for approval",
                        SUPPORT_BOT,
                        "triage",
                        "webhook.post",
                        "confidential,pii",
                        Outcome.APPROVAL,
                        List.of("no-egress-after-pii")),
                new Case(
                        "egress after confidential untrusted content is denied",
                        SUPPORT_BOT,
                        "triage",
                        "webhook.post",
                        "confidential,untrusted",
                        Outcome.DENY,
                        List.of("no-auto-egress-after-untrusted")),
                new Case(
                        "egress after only internal untrusted content is allowed",
                        SUPPORT_BOT,
                        "triage",
                        "webhook.post",
                        "internal,untrusted",
                        Outcome.ALLOW,
                        List.of("support-webhook")),
                new Case(
                        "egress with a clean flow is allowed",
                        SUPPORT_BOT,
                        "triage",
                        "webhook.post",
                        "public",
                        Outcome.ALLOW,
                        List.of("support-webhook")),
                new Case(
                        "sub-agent with inherited pii labels is held like its parent",
                        SUMMARIZER,
                        "summarize",
                        "webhook.post",
                        "internal,confidential,pii,untrusted",
                        Outcome.DENY,
                        List.of("no-egress-after-pii", "no-auto-egress-after-untrusted")),
                new Case(
                        "another purpose is not permitted to read tickets",
                        SUPPORT_BOT,
                        "summarize",
                        "tickets.read",
                        "public",
                        Outcome.DENY,
                        List.of()),
                new Case(
                        "another team's agent is not permitted",
                        BILLING_BOT,
                        "triage",
                        "tickets.read",
                        "public",
                        Outcome.DENY,
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarioCases")
    void scenarioPoliciesDecideAsTheScenariosSay(Case c) {
        PolicyDecision d =
                engine.decide(Fixtures.call(c.agent(), Fixtures.mandate("m-1", c.purpose(), 0), c.tool(), c.flow()));
        switch (c.outcome()) {
            case ALLOW -> assertThat(d).isInstanceOf(PolicyDecision.Allow.class);
            case DENY -> assertThat(d).isInstanceOf(PolicyDecision.Deny.class);
            case APPROVAL -> assertThat(d).isInstanceOf(PolicyDecision.ApprovalRequired.class);
        }
        assertThat(d.policyIds()).containsExactlyInAnyOrderElementsOf(c.policyIds());
        assertThat(d.version()).isEqualTo(STORE.current().version()).startsWith("sha256:");
    }

    @Test
    void approvalRequiredNamesTheApproverAndAGrantedApprovalAllows() {
        CallFacts call =
                Fixtures.call(SUPPORT_BOT, Fixtures.mandate("m-1", "triage", 0), "webhook.post", "confidential,pii");
        PolicyDecision ask = engine.decide(call);
        assertThat(ask)
                .isInstanceOfSatisfying(
                        PolicyDecision.ApprovalRequired.class,
                        a -> assertThat(a.approvers()).containsExactly("security-oncall"));
        assertThat(engine.decide(call.withApprovalGranted(true)))
                .isInstanceOfSatisfying(
                        PolicyDecision.Allow.class,
                        a -> assertThat(a.policyIds()).containsExactly("support-webhook"));
    }

    @Test
    void anUpstreamsSamplingRequestIsItsOwnActionOnTheAskingServerThatCallPermitsDoNotCover() {
        PolicyStore store = PolicyStore.of(Map.of("p.cedar", """
                        @id("calls") permit (principal, action in Action::"call_tool", resource);
                        @id("research-samples")
                        permit (principal, action == Action::"sampling", resource == McpServer::"research")
                        unless { context.flow.labels.contains("pii") };
                        """), InstantSource.fixed(Fixtures.T0));
        PolicyEngine policies = new PolicyEngine(store::current);

        assertThat(policies.decide(asked("sampling/createMessage", "research", "internal")))
                .isInstanceOfSatisfying(
                        PolicyDecision.Allow.class,
                        a -> assertThat(a.policyIds()).containsExactly("research-samples"));
        assertThat(policies.decide(asked("sampling/createMessage", "crm", "internal")))
                .isInstanceOf(PolicyDecision.Deny.class);
        assertThat(policies.decide(asked("sampling/createMessage", "research", "confidential,pii")))
                .isInstanceOf(PolicyDecision.Deny.class);
        assertThat(policies.decide(asked("elicitation/create", "research", "public")))
                .isInstanceOf(PolicyDecision.Deny.class);
        assertThat(policies.decide(asked("roots/list", "research", "public"))).isInstanceOf(PolicyDecision.Deny.class);
    }

    /** An upstream's request to the agent as the gateway maps it: the action is the method group itself. */
    private static CallFacts asked(String method, String server, String flow) {
        return new CallFacts(
                SUPPORT_BOT,
                Fixtures.mandate("m", "triage", 0),
                method,
                CedarMapping.methodGroup(method),
                server,
                new dev.mandate.core.catalog.CatalogEntry(
                        dev.mandate.core.flow.FlowLabels.NONE,
                        false,
                        false,
                        false,
                        null,
                        List.of(),
                        dev.mandate.core.catalog.CatalogEntry.Source.CONFIGURED),
                dev.mandate.core.flow.FlowLabels.parse(flow),
                dev.mandate.cedar.RecordValue.EMPTY,
                false,
                CallHistory.EMPTY,
                "",
                Fixtures.T0);
    }

    @Test
    void anApprovalThatCouldNotHelpIsADeny() {
        PolicyStore store = PolicyStore.of(Map.of("p.cedar", """
                        @id("ask") @approval("oncall")
                        forbid (principal, action in Action::"egress", resource) unless { context.approval.granted };
                        """), InstantSource.fixed(Fixtures.T0));
        PolicyDecision d = new PolicyEngine(store::current)
                .decide(Fixtures.call(SUPPORT_BOT, Fixtures.mandate("m", "triage", 0), "webhook.post", "public"));
        assertThat(d)
                .isInstanceOfSatisfying(
                        PolicyDecision.Deny.class,
                        x -> assertThat(x.reason()).contains("ask", "approval alone would not allow it"));
    }

    @Test
    void aForbidThatFailsToEvaluateDeniesInsteadOfBeingSkipped() {
        PolicyStore store = PolicyStore.of(Map.of("p.cedar", """
                        @id("all") permit (principal, action, resource);
                        @id("broken") forbid (principal, action, resource) when { context.input.missing == 1 };
                        """), InstantSource.fixed(Fixtures.T0));
        PolicyDecision d = new PolicyEngine(store::current)
                .decide(Fixtures.call(SUPPORT_BOT, Fixtures.mandate("m", "triage", 0), "docs.search", "public"));
        assertThat(d).isInstanceOfSatisfying(PolicyDecision.Deny.class, x -> {
            assertThat(x.policyIds()).containsExactly("broken");
            assertThat(x.errors()).singleElement().asString().startsWith("broken: ");
        });
    }

    @Test
    void redactAnnotationsOfDeterminingPermitsBecomeRedactions() {
        PolicyStore store = PolicyStore.of(Map.of("p.cedar", """
                        @id("crm-read") @redact("$.structuredContent.ssn")
                        permit (principal, action == Action::"crm.get_customer", resource);
                        @id("other") @redact("$.never") permit (principal, action == Action::"docs.search", resource);
                        """), InstantSource.fixed(Fixtures.T0));
        PolicyDecision d = new PolicyEngine(store::current)
                .decide(Fixtures.call(SUPPORT_BOT, Fixtures.mandate("m", "triage", 0), "crm.get_customer", "public"));
        assertThat(d)
                .isInstanceOfSatisfying(
                        PolicyDecision.Allow.class,
                        a -> assertThat(a.redactions()).containsExactly("$.structuredContent.ssn"));
    }

    @Test
    void contextCarriesMandateHistoryToolAndDestinationFacts() {
        PolicyStore store = PolicyStore.of(Map.of("p.cedar", """
                        @id("facts") permit (principal, action, resource) when {
                          context.mandate.id == "m-7" && context.mandate.depth == 1 && context.mandate.tier == "autonomous"
                          && context.mandate.onBehalfOf == "alice" && context.mandate.ageSeconds == 60
                          && context.mandate.remainingSeconds == 600 && context.history.calls == 0
                          && context.tool.egress && context.tool.sensitivity == 0 && context.destination.host == "evil.example"
                          && context.destination.external && context.input.url like "https://*"
                          && principal.owner == "team-support" && principal.tier == "autonomous"
                          && resource.name == "webhook" && action in Action::"call_tool"
                        };
                        """), InstantSource.fixed(Fixtures.T0));
        assertThat(new PolicyEngine(store::current)
                        .decide(Fixtures.call(
                                SUPPORT_BOT, Fixtures.mandate("m-7", "triage", 1), "webhook.post", "public")))
                .isInstanceOf(PolicyDecision.Allow.class);
    }

    @Test
    void anEmptyPolicySetDeniesEverything() {
        PolicyStore store = PolicyStore.of(Map.of(), InstantSource.fixed(Fixtures.T0));
        assertThat(new PolicyEngine(store::current)
                        .decide(Fixtures.call(
                                SUPPORT_BOT, Fixtures.mandate("m", "triage", 0), "docs.search", "public")))
                .isInstanceOfSatisfying(
                        PolicyDecision.Deny.class,
                        d -> assertThat(d.reason()).isEqualTo("no policy permits this call"));
    }
}

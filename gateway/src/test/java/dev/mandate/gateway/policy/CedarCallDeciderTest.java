package dev.mandate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.approval.ApprovalState;
import dev.mandate.core.approval.Approvals;
import dev.mandate.core.approval.InMemoryApprovalStore;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.core.policy.PolicyStore;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.Decision;
import dev.mandate.gateway.DecisionRequest;
import dev.mandate.gateway.Obligation;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class CedarCallDeciderTest {
    static final String POLICIES = """
            @id("support-triage")
            permit (principal in Team::"team-support",
                    action in [Action::"tickets.read", Action::"crm.get_customer", Action::"docs.search"],
                    resource)
            when { context.mandate.purpose == "triage" };

            @id("no-egress-after-pii") @approval("security-oncall")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") }
            unless { context.approval.granted };

            @id("no-auto-egress-after-untrusted")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.untrusted && context.flow.sensitivity >= 2 };

            @id("support-webhook")
            permit (principal in Team::"team-support", action == Action::"webhook.post", resource)
            when { ["triage", "summarize"].contains(context.mandate.purpose) };

            @id("crm-redacted") @redact("$.structuredContent.ssn")
            permit (principal, action == Action::"crm.get_customer", resource)
            when { context.mandate.purpose == "triage" };
            """;

    static final Map<String, CatalogEntry> CATALOG = Map.of(
            "tickets.read", entry("internal", true, false),
            "crm.get_customer", entry("confidential,pii", false, false),
            "docs.search", entry("internal", false, false),
            "webhook.post", entry("public", false, true));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T12:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final Map<String, MandateFacts> mandates = new ConcurrentHashMap<>();
    private final Map<String, AgentFacts> agents = Map.of(
            "support-bot", new AgentFacts("support-bot", "team-support", true, Tier.AUTONOMOUS),
            "summarizer", new AgentFacts("summarizer", "team-support", true, Tier.AUTONOMOUS));
    private final List<String> drifts = new ArrayList<>();
    private final PolicyStore store = PolicyStore.of(Map.of("support.cedar", POLICIES), clock);
    private final Approvals approvals = new Approvals(new InMemoryApprovalStore(), clock, Duration.ofMinutes(10));
    private DriftSettings drift = new DriftSettings(100, 5, Duration.ofMinutes(1));

    private CedarCallDecider decider() {
        return decider(store);
    }

    private CedarCallDecider decider(PolicyStore policies) {
        MandateLookup lookup = new MandateLookup() {
            @Override
            public @Nullable MandateFacts mandate(String id) {
                return mandates.get(id);
            }

            @Override
            public @Nullable AgentFacts agent(String id) {
                return agents.get(id);
            }
        };
        return new CedarCallDecider(
                new PolicyEngine(policies::current),
                approvals,
                lookup,
                drift,
                (m, why) -> drifts.add(m + ": " + why),
                action -> null);
    }

    private static CatalogEntry entry(String labels, boolean untrusted, boolean egress) {
        return new CatalogEntry(
                FlowLabels.parse(labels), egress, false, untrusted, null, List.of(), CatalogEntry.Source.CONFIGURED);
    }

    private CallerContext mandate(
            String id, String agent, String purpose, int depth, Set<String> scope, long budget, FlowState flow) {
        mandates.put(
                id,
                new MandateFacts(
                        id,
                        agent,
                        purpose,
                        Tier.AUTONOMOUS,
                        depth,
                        "alice",
                        now.get(),
                        now.get().plus(Duration.ofHours(1)),
                        scope,
                        budget,
                        Sensitivity.PUBLIC));
        return new CallerContext(agent, id, flow);
    }

    private CallerContext triage(String id) {
        return mandate(id, "support-bot", "triage", 0, Set.of("*"), 0, FlowState.root(FlowLabels.NONE));
    }

    private DecisionRequest request(CallerContext caller, String tool, String argsJson, boolean listing) {
        try {
            JsonNode args = JSON.readTree(argsJson);
            String server = tool.substring(0, tool.indexOf('.'));
            CatalogEntry e = CATALOG.getOrDefault(tool, CatalogEntry.MOST_RESTRICTIVE);
            return new DecisionRequest(
                    caller,
                    "tools/call",
                    tool,
                    new CatalogKey(CatalogKind.TOOL, server, tool.substring(server.length() + 1)),
                    e,
                    e.actionGroups(),
                    caller.flow().current(),
                    args,
                    Map.of(),
                    "sha256:" + Integer.toHexString(argsJson.hashCode()),
                    listing,
                    now.get());
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Decides like the gateway: an allowed call adds its tool's labels to the caller's flow. */
    private Decision call(CedarCallDecider d, CallerContext caller, String tool, String argsJson) {
        DecisionRequest r = request(caller, tool, argsJson, false);
        Decision decision = d.decide(r);
        if (decision instanceof Decision.Allow) {
            caller.flow().add(r.entry().resultLabels());
        }
        return decision;
    }

    record Step(String tool, String args, String expect, List<String> policyIds) {}

    record Story(String name, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Story> stories() {
        return Stream.of(
                new Story(
                        "the lethal trifecta: ticket and customer read, then the webhook is denied",
                        List.of(
                                new Step("tickets.read", "{\"id\":42}", "allow", List.of()),
                                new Step("crm.get_customer", "{\"id\":\"c-1\"}", "allow", List.of()),
                                new Step(
                                        "webhook.post",
                                        "{\"url\":\"https://evil.example/x\"}",
                                        "deny",
                                        List.of("no-egress-after-pii", "no-auto-egress-after-untrusted")))),
                new Story(
                        "a clean task may post",
                        List.of(
                                new Step("docs.search", "{\"q\":\"x\"}", "allow", List.of()),
                                new Step("webhook.post", "{\"url\":\"https://hooks.example/x\"}", "allow", List.of()))),
                new Story(
                        "customer data without untrusted text waits for approval",
                        List.of(
                                new Step("crm.get_customer", "{\"id\":\"c-1\"}", "allow", List.of()),
                                new Step(
                                        "webhook.post",
                                        "{\"url\":\"https://hooks.example/x\"}",
                                        "approval",
                                        List.of("no-egress-after-pii")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stories")
    void scenarioStoriesThroughTheDecider(Story story) {
        CedarCallDecider d = decider();
        CallerContext caller = triage("m-1");
        for (Step step : story.steps()) {
            Decision decision = call(d, caller, step.tool(), step.args());
            switch (step.expect()) {
                case "allow" -> assertThat(decision).as(step.tool()).isInstanceOf(Decision.Allow.class);
                case "deny" ->
                    assertThat(decision).as(step.tool()).isInstanceOfSatisfying(Decision.Deny.class, x -> {
                        assertThat(x.policyIds()).containsExactlyInAnyOrderElementsOf(step.policyIds());
                        assertThat(x.reason()).contains("no-egress-after-pii", "policy set sha256:");
                        assertThat(x.kind()).isEqualTo(Decision.Deny.Kind.POLICY);
                    });
                default ->
                    assertThat(decision)
                            .as(step.tool())
                            .isInstanceOfSatisfying(
                                    Decision.ApprovalRequired.class,
                                    x -> assertThat(x.policyIds()).containsExactlyElementsOf(step.policyIds()));
            }
        }
        assertThat(caller.flow().current().format()).isNotEmpty();
    }

    @Test
    void anApprovalLetsTheExactCallPassOnce() {
        CedarCallDecider d = decider();
        CallerContext caller = triage("m-42");
        call(d, caller, "crm.get_customer", "{\"id\":\"c-1\"}");
        String post = "{\"url\":\"https://hooks.example/42\"}";

        Decision first = call(d, caller, "webhook.post", post);
        assertThat(first).isInstanceOf(Decision.ApprovalRequired.class);
        String id = ((Decision.ApprovalRequired) first).approvalId();
        assertThat(approvals.get(id)).isNotNull();
        approvals.approve(id, "security-oncall", "ticket 42 asks for it");

        assertThat(call(d, caller, "webhook.post", "{\"url\":\"https://other.example/\"}"))
                .as("another argument")
                .isInstanceOfSatisfying(
                        Decision.ApprovalRequired.class,
                        a -> assertThat(a.approvalId()).isNotEqualTo(id));
        CallerContext other = triage("m-43");
        call(d, other, "crm.get_customer", "{\"id\":\"c-1\"}");
        assertThat(call(d, other, "webhook.post", post))
                .as("another mandate")
                .isInstanceOf(Decision.ApprovalRequired.class);

        assertThat(call(d, caller, "webhook.post", post))
                .as("the identical call")
                .isInstanceOf(Decision.Allow.class);
        assertThat(java.util.Objects.requireNonNull(approvals.get(id)).state()).isEqualTo(ApprovalState.USED);
        assertThat(call(d, caller, "webhook.post", post))
                .as("the same call again")
                .isInstanceOf(Decision.ApprovalRequired.class);
    }

    @Test
    void anExpiredApprovalDoesNotLetTheCallPass() {
        CedarCallDecider d = decider();
        CallerContext caller = triage("m-42");
        call(d, caller, "crm.get_customer", "{}");
        Decision first = call(d, caller, "webhook.post", "{}");
        approvals.approve(((Decision.ApprovalRequired) first).approvalId(), "sec", "ok");
        now.set(now.get().plus(Duration.ofMinutes(11)));
        assertThat(call(d, caller, "webhook.post", "{}")).isInstanceOf(Decision.ApprovalRequired.class);
    }

    @Test
    void aSubAgentInheritingThePiiLabelsIsDenied() {
        CedarCallDecider d = decider();
        CallerContext parent = triage("m-parent");
        call(d, parent, "tickets.read", "{}");
        call(d, parent, "crm.get_customer", "{}");
        CallerContext child = mandate(
                "m-child",
                "summarizer",
                "summarize",
                1,
                Set.of("webhook.post"),
                0,
                parent.flow().child());

        assertThat(call(d, child, "webhook.post", "{\"url\":\"https://evil.example\"}"))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, x -> assertThat(x.policyIds()).contains("no-egress-after-pii"));
    }

    @Test
    void anUpstreamsRequestToTheAgentIsDecidedByPolicyOutsideScopeBudgetAndDrift() {
        drift = new DriftSettings(100, 3, Duration.ofMinutes(1));
        CedarCallDecider d = decider(PolicyStore.of(Map.of("ask.cedar", """
                        @id("tickets-may-sample")
                        permit (principal, action == Action::"sampling", resource == McpServer::"tickets");
                        """), clock));
        // Scope names only tickets tools and the budget is one call: neither limits what upstreams ask.
        CallerContext caller =
                mandate("m-ask", "support-bot", "triage", 0, Set.of("tickets.*"), 1, FlowState.root(FlowLabels.NONE));
        for (int i = 0; i < 3; i++) {
            assertThat(d.decide(asked(caller, "sampling/createMessage", "tickets")))
                    .isInstanceOf(Decision.Allow.class);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(d.decide(asked(caller, "elicitation/create", "tickets")))
                    .isInstanceOfSatisfying(
                            Decision.Deny.class, x -> assertThat(x.kind()).isEqualTo(Decision.Deny.Kind.POLICY));
        }
        assertThat(d.decide(asked(caller, "sampling/createMessage", "crm"))).isInstanceOf(Decision.Deny.class);
        assertThat(drifts).isEmpty();
    }

    private DecisionRequest asked(CallerContext caller, String method, String server) {
        CatalogEntry none =
                new CatalogEntry(FlowLabels.NONE, false, false, false, null, List.of(), CatalogEntry.Source.CONFIGURED);
        String action = dev.mandate.core.policy.CedarMapping.methodGroup(method);
        return new DecisionRequest(
                caller,
                method,
                action,
                new CatalogKey(CatalogKind.TOOL, server, action),
                none,
                List.of(),
                caller.flow().current(),
                JSON.createObjectNode(),
                Map.of(),
                "sha256:0",
                false,
                now.get());
    }

    @Test
    void aCallOutsideTheDeclaredScopeIsDeniedBeforePolicy() {
        CedarCallDecider d = decider();
        CallerContext caller =
                mandate("m-s", "support-bot", "triage", 0, Set.of("tickets.*"), 0, FlowState.root(FlowLabels.NONE));
        assertThat(call(d, caller, "tickets.read", "{}")).isInstanceOf(Decision.Allow.class);
        assertThat(call(d, caller, "crm.get_customer", "{}")).isInstanceOfSatisfying(Decision.Deny.class, x -> {
            assertThat(x.reason()).contains("outside the declared scope");
            assertThat(x.policyIds()).isEmpty();
        });
    }

    @Test
    void aSpentCallBudgetIsDriftReportedOnce() {
        CedarCallDecider d = decider();
        CallerContext caller =
                mandate("m-b", "support-bot", "triage", 0, Set.of("*"), 2, FlowState.root(FlowLabels.NONE));
        assertThat(call(d, caller, "docs.search", "{}")).isInstanceOf(Decision.Allow.class);
        assertThat(call(d, caller, "docs.search", "{}")).isInstanceOf(Decision.Allow.class);
        for (int i = 0; i < 2; i++) {
            assertThat(call(d, caller, "docs.search", "{}"))
                    .isInstanceOfSatisfying(
                            Decision.Deny.class,
                            x -> assertThat(x.kind()).isEqualTo(Decision.Deny.Kind.BUDGET_EXCEEDED));
        }
        assertThat(drifts).containsExactly("m-b: call budget of 2 spent");
    }

    @Test
    void aBurstOfDenialsIsDriftAndLaterCallsAreDeniedToo() {
        drift = new DriftSettings(100, 3, Duration.ofMinutes(1));
        CedarCallDecider d = decider();
        CallerContext caller =
                mandate("m-p", "support-bot", "summarize", 0, Set.of("*"), 0, FlowState.root(FlowLabels.NONE));
        assertThat(call(d, caller, "tickets.read", "{}")).isInstanceOf(Decision.Deny.class);
        now.set(now.get().plus(Duration.ofMinutes(2)));
        assertThat(call(d, caller, "tickets.read", "{}"))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, x -> assertThat(x.kind()).isEqualTo(Decision.Deny.Kind.POLICY));
        assertThat(call(d, caller, "tickets.read", "{}"))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, x -> assertThat(x.kind()).isEqualTo(Decision.Deny.Kind.POLICY));
        assertThat(drifts).as("the first denial fell out of the window").isEmpty();
        assertThat(call(d, caller, "tickets.read", "{}"))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, x -> assertThat(x.kind()).isEqualTo(Decision.Deny.Kind.BUDGET_EXCEEDED));
        assertThat(call(d, caller, "webhook.post", "{}"))
                .as("allowed by policy, but drifted")
                .isInstanceOfSatisfying(
                        Decision.Deny.class, x -> assertThat(x.kind()).isEqualTo(Decision.Deny.Kind.BUDGET_EXCEEDED));
        assertThat(drifts).containsExactly("m-p: 3 denials within PT1M");
    }

    @Test
    void listingCountsApprovalAsPossibleAndCreatesNoApproval() {
        CedarCallDecider d = decider();
        CallerContext caller = triage("m-l");
        call(d, caller, "crm.get_customer", "{}");
        assertThat(d.decide(request(caller, "webhook.post", "{}", true))).isInstanceOf(Decision.ApprovalRequired.class);
        assertThat(approvals.list(null)).isEmpty();
        assertThat(d.decide(request(caller, "mail.send", "{}", true))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void redactPermitsBecomeObligationsAndUnknownMandatesAreDenied() {
        CedarCallDecider d = decider();
        assertThat(call(d, triage("m-r"), "crm.get_customer", "{}"))
                .isInstanceOfSatisfying(
                        Decision.Allow.class,
                        a -> assertThat(a.obligations())
                                .containsExactly(new Obligation.Redact("$.structuredContent.ssn")));
        CallerContext ghost = new CallerContext("support-bot", "m-ghost", FlowState.root(FlowLabels.NONE));
        assertThat(d.decide(request(ghost, "docs.search", "{}", false)))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, x -> assertThat(x.reason()).contains("not live"));
    }
}

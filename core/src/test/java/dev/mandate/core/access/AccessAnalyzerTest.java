package dev.mandate.core.access;

import static dev.mandate.core.access.AccessFixtures.SCENARIO;
import static dev.mandate.core.access.AccessFixtures.agent;
import static dev.mandate.core.access.AccessFixtures.analyzer;
import static dev.mandate.core.access.AccessFixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

final class AccessAnalyzerTest {
    private static final Agent SUPPORT = agent("support-bot", "team-support", "triage");
    private static final Agent BILLING = agent("billing-bot", "team-billing", "billing");

    @Test
    void aReadThatNoForbidTouchesIsAllowedByItsPermit() {
        AccessExplanation e = analyzer(SCENARIO).explain(SUPPORT, "triage", target("crm.get_customer"));

        assertThat(e.verdict()).isEqualTo(Verdict.ALLOWED);
        assertThat(e.conditions()).isEmpty();
        assertThat(e.policies()).containsExactly("support-triage");
    }

    @Test
    void egressIsConditionalAndNamesTheApprovalForbidThatPiiTriggers() {
        AccessExplanation e = analyzer(SCENARIO).explain(SUPPORT, "triage", target("webhook.post"));

        assertThat(e.verdict()).isEqualTo(Verdict.CONDITIONAL);
        assertThat(e.conditions())
                .anySatisfy(c -> assertThat(c)
                        .contains("needs approval once `pii` is in flow labels")
                        .contains("no-egress-after-pii"));
        assertThat(e.policies()).contains("support-webhook", "no-egress-after-pii");
    }

    @Test
    void aForbidOnPiiWithoutApprovalBecomesAnOnlyWithoutCondition() {
        String policies = """
                @id("all-triage") permit (principal, action, resource) when { context.mandate.purpose == "triage" };
                @id("no-egress-pii") forbid (principal, action in Action::"egress", resource)
                when { context.flow.labels.contains("pii") };
                @id("no-delegated-egress") forbid (principal, action in Action::"egress", resource)
                when { context.mandate.depth > 0 };
                """;
        AccessExplanation e = analyzer(policies).explain(SUPPORT, "triage", target("webhook.post"));

        assertThat(e.verdict()).isEqualTo(Verdict.CONDITIONAL);
        assertThat(e.conditions())
                .contains("only without `pii` in flow labels", "only in a root mandate, not a delegated one");
        assertThat(e.policies()).contains("all-triage", "no-egress-pii", "no-delegated-egress");
    }

    @Test
    void aSensitivityThresholdIsReportedOnceAtItsLowestLevel() {
        String policies = """
                @id("all") permit (principal, action, resource) when { context.mandate.purpose == "triage" };
                @id("no-egress-confidential") forbid (principal, action in Action::"egress", resource)
                when { context.flow.sensitivity >= 2 };
                """;
        AccessExplanation e = analyzer(policies).explain(SUPPORT, "triage", target("webhook.post"));

        assertThat(e.conditions())
                .filteredOn(c -> c.contains("sensitivity"))
                .containsExactly("only while flow sensitivity is below `confidential`");
    }

    @Test
    void approvalOnTheBaseCallIsAnOnlyWithApprovalCondition() {
        String policies = """
                @id("all") permit (principal, action, resource) when { context.mandate.purpose == "triage" };
                @id("ask") @approval("oncall") forbid (principal, action in Action::"egress", resource)
                unless { context.approval.granted };
                """;
        AccessExplanation e = analyzer(policies).explain(SUPPORT, "triage", target("webhook.post"));

        assertThat(e.verdict()).isEqualTo(Verdict.CONDITIONAL);
        assertThat(e.conditions()).containsExactly("only with approval by oncall (ask)");
    }

    @Test
    void anAgentNoPermitCoversIsNeverAllowedAndToldWhy() {
        AccessExplanation e = analyzer(SCENARIO).explain(BILLING, "billing", target("crm.get_customer"));

        assertThat(e.verdict()).isEqualTo(Verdict.NEVER);
        assertThat(e.reason()).isNotBlank();
    }

    @Test
    void aDisabledAgentOrAForeignPurposeIsNeverAllowed() {
        Agent disabled =
                agent("old-bot", "team-support", "triage", AgentStatus.DISABLED, AccessFixtures.T0.minusSeconds(60));

        assertThat(analyzer(SCENARIO).explain(disabled, "triage", target("tickets.read")))
                .satisfies(e -> {
                    assertThat(e.verdict()).isEqualTo(Verdict.NEVER);
                    assertThat(e.reason()).contains("disabled");
                });
        assertThat(analyzer(SCENARIO)
                        .explain(SUPPORT, "billing", target("tickets.read"))
                        .reason())
                .contains("may not act for purpose 'billing'");
    }

    @Test
    void aPolicyThatNeedsTheArgumentsIsConditionalOnThem() {
        String policies = """
                @id("only-our-host") permit (principal, action, resource)
                when { context.input.url like "https://example.org/*" };
                """;
        AccessExplanation e = analyzer(policies).explain(SUPPORT, "triage", target("webhook.post"));

        assertThat(e.verdict()).isEqualTo(Verdict.CONDITIONAL);
        assertThat(e.conditions()).singleElement().asString().contains("depends on the call's arguments");
    }

    @Test
    void explainAllCoversEveryAgentPurposeAndTarget() {
        Agent none = agent("idle-bot", "team-support", "");
        List<AccessExplanation> all =
                analyzer(SCENARIO).explainAll(List.of(SUPPORT, BILLING, none), AccessFixtures.TARGETS);

        assertThat(all).hasSize(3 * AccessFixtures.TARGETS.size());
        assertThat(all)
                .filteredOn(e -> e.agent().equals("idle-bot"))
                .allSatisfy(e -> assertThat(e.reason()).contains("no purposes"));
    }

    @Test
    void explainAllRefusesMoreCellsThanTheLimit() {
        List<Agent> many = new ArrayList<>(Collections.nCopies(AccessAnalyzer.MAX_CELLS, SUPPORT));

        assertThatThrownBy(() -> analyzer(SCENARIO).explainAll(many, AccessFixtures.TARGETS))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("AccessAnalyzer.MAX_CELLS");
    }

    @Test
    void theScenarioPoliciesCloseTheLethalTrifecta() {
        assertThat(analyzer(SCENARIO).toxicFlows(SUPPORT, AccessFixtures.TARGETS))
                .isEmpty();
    }

    @Test
    void permitsWithoutForbidsOpenAnUnguardedToxicFlow() {
        List<ToxicFlow> flows = analyzer(AccessFixtures.PERMITS_ONLY).toxicFlows(SUPPORT, AccessFixtures.TARGETS);

        assertThat(flows).singleElement().satisfies(f -> {
            assertThat(f.sensitive()).isEqualTo("crm.get_customer");
            assertThat(f.untrusted()).isEqualTo("tickets.read");
            assertThat(f.egress()).isEqualTo("webhook.post");
            assertThat(f.guardedByApproval()).isFalse();
            assertThat(f.policies()).contains("support-triage", "support-webhook");
        });
    }

    @Test
    void anApprovalOnTheEgressStepMarksTheFlowGuarded() {
        String policies = AccessFixtures.PERMITS_ONLY + """
                @id("ask-egress-pii") @approval("oncall") forbid (principal, action in Action::"egress", resource)
                when { context.flow.labels.contains("pii") } unless { context.approval.granted };
                """;
        assertThat(analyzer(policies).toxicFlows(SUPPORT, AccessFixtures.TARGETS))
                .singleElement()
                .satisfies(f -> assertThat(f.guardedByApproval()).isTrue());
    }

    @Test
    void anUnconstrainedPermitIsBroadForEveryAgent() {
        String policies = SCENARIO + "\n@id(\"anything\") permit (principal, action, resource);";

        assertThat(analyzer(policies).broadPermits(List.of(SUPPORT)))
                .containsExactly(new BroadPermit("anything", "p.cedar", null));
    }

    @Test
    void aPermitOfEveryActionToOneAgentIsBroadForThatAgent() {
        String policies =
                "@id(\"support-all\") permit (principal == Agent::\"" + SUPPORT.id() + "\", action, resource);";

        assertThat(analyzer(policies).broadPermits(List.of(BILLING, SUPPORT)))
                .containsExactly(new BroadPermit("support-all", "p.cedar", "support-bot"));
    }

    @Test
    void theScenarioPermitsAreNotBroad() {
        assertThat(analyzer(SCENARIO).broadPermits(List.of(SUPPORT, BILLING))).isEmpty();
    }

    @Test
    void aQueryMatchesAnActionAServerOrServerDotName() {
        AccessTarget t = target("crm.get_customer");

        assertThat(t.matches("crm.get_customer")).isTrue();
        assertThat(t.matches("crm")).isTrue();
        assertThat(t.matches("docs")).isFalse();
        assertThat(t.method()).isEqualTo("tools/call");
    }
}

package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.Tier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class VisibilityRoutesTest {
    @TempDir
    Path tmp;

    private @org.jspecify.annotations.Nullable MandateNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private MandateNode node() {
        return java.util.Objects.requireNonNull(node, "started");
    }

    private JsonNode get(String path) throws Exception {
        NodeTesting.Answer a = NodeTesting.admin(node(), "GET", path, null);
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return a.body();
    }

    @Test
    void whoCanNamesConditionsPoliciesAndWhoNeverCan() throws Exception {
        node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS + VisibilityTesting.FORBIDS);

        JsonNode answer = get("/v1/access?resource=webhook.post");

        assertThat(answer.get("resource").asText()).isEqualTo("webhook.post");
        JsonNode allowed = answer.get("allowed");
        assertThat(allowed).hasSize(1);
        assertThat(allowed.get(0).get("agent").asText()).isEqualTo("support-bot");
        assertThat(allowed.get(0).get("purpose").asText()).isEqualTo("triage");
        assertThat(allowed.get(0).get("verdict").asText()).isEqualTo("conditional");
        assertThat(allowed.get(0).get("conditions").toString()).contains("needs approval once `pii`");
        assertThat(allowed.get(0).get("policies").toString()).contains("support-webhook", "no-egress-after-pii");
        assertThat(answer.get("never").get(0).get("agent").asText()).isEqualTo("billing-bot");
        assertThat(answer.get("never").get(0).get("reason").asText()).isNotBlank();
        JsonNode revocation = answer.get("revocation");
        assertThat(revocation.get("how").asText()).contains("/v1/agents/{name}/revoke");
        assertThat(revocation.get("p50Millis").isNull()).isTrue();
        assertThat(revocation.get("p99Millis").isNull()).isTrue();
        assertThat(revocation.get("measured").asText()).startsWith("not measured yet");
    }

    @Test
    void whoCanAServerCoversItsToolsAndAnUnknownNameIsNotFound() throws Exception {
        node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS);

        assertThat(get("/v1/access?resource=crm")
                        .get("allowed")
                        .get(0)
                        .get("tool")
                        .asText())
                .isEqualTo("crm.get_customer");
        assertThat(NodeTesting.admin(node(), "GET", "/v1/access?resource=nowhere", null)
                        .status())
                .isEqualTo(404);
        assertThat(NodeTesting.admin(node(), "GET", "/v1/access", null).status())
                .isEqualTo(400);
        assertThat(NodeTesting.call(node(), "GET", "/v1/access?resource=crm", null, null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void agentAccessShowsToolsMandateTreesAndARevocationMeasuredAfterARevoke() throws Exception {
        node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS + VisibilityTesting.FORBIDS);
        NodeTesting.Answer token = NodeTesting.admin(
                node(),
                "POST",
                "/v1/tokens",
                Map.of("agent", "support-bot", "purpose", "triage", "tools", List.of("crm.get_customer")));
        assertThat(token.status()).as(token.raw()).isEqualTo(201);
        String root = token.body().get("mandate_id").asText();
        Mandate child = node().mandates()
                .delegate(
                        root,
                        new DelegationRequest(
                                node().agents().get("support-bot").id(),
                                Tier.COPILOT,
                                null,
                                Set.of("crm.get_customer"),
                                null,
                                null,
                                null,
                                null),
                        "admin");

        JsonNode access = get("/v1/agents/support-bot/access");

        assertThat(access.get("agent").asText()).isEqualTo("support-bot");
        assertThat(access.get("owner").asText()).isEqualTo("team-support");
        assertThat(access.get("tier").asText()).isEqualTo("copilot");
        assertThat(access.get("tools").findValuesAsText("tool"))
                .contains("crm.get_customer", "tickets.read", "docs.search", "webhook.post");
        JsonNode tree = access.get("mandates");
        assertThat(tree).hasSize(1);
        assertThat(tree.get(0).get("id").asText()).isEqualTo(root);
        assertThat(tree.get(0).get("purpose").asText()).isEqualTo("triage");
        assertThat(tree.get(0).get("expiresAt").asText()).isNotBlank();
        assertThat(tree.get(0).get("children").get(0).get("id").asText()).isEqualTo(child.id());
        assertThat(access.get("leases")).isEmpty();
        assertThat(access.get("revocation").get("how").asText()).contains("/v1/agents/support-bot/revoke");

        NodeTesting.Answer revoked = NodeTesting.admin(node(), "POST", "/v1/mandates/" + root + "/revoke", Map.of());
        assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);

        JsonNode after = get("/v1/agents/support-bot/access");
        assertThat(after.get("mandates")).isEmpty();
        JsonNode r = after.get("revocation");
        assertThat(r.get("samples").asInt()).isEqualTo(1);
        assertThat(r.get("p50Millis").asDouble()).isPositive();
        assertThat(r.get("p99Millis").asDouble())
                .isGreaterThanOrEqualTo(r.get("p50Millis").asDouble());
        String metrics = NodeTesting.call(node(), "GET", "/metrics", null, null).raw();
        assertThat(metrics)
                .contains("mandate_revocation_seconds_count{target=\"mandate\"} 1")
                .contains("mandate_revocation_seconds{target=\"mandate\",quantile=\"0.99\"}")
                .contains("mandate_revocation_incomplete_total 0")
                .contains("mandate_mandates_live 0")
                .contains("mandate_decisions_seconds")
                .contains("mandate_audit_write_seconds");
        assertThat(NodeTesting.admin(node(), "GET", "/v1/agents/nobody/access", null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void theKillSwitchIsMeasuredToo() throws Exception {
        node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS);
        NodeTesting.admin(node(), "POST", "/v1/tokens", Map.of("agent", "support-bot", "purpose", "triage"));

        assertThat(NodeTesting.admin(node(), "POST", "/v1/agents/support-bot/revoke", Map.of())
                        .status())
                .isEqualTo(200);

        assertThat(NodeTesting.call(node(), "GET", "/metrics", null, null).raw())
                .contains("mandate_revocation_seconds_count{target=\"agent\"} 1");
    }

    @Test
    void postureReportsToxicFlowsAndBroadPoliciesWithTheirControls() throws Exception {
        node = VisibilityTesting.start(
                tmp, VisibilityTesting.PERMITS + "\n@id(\"yolo\") permit (principal, action, resource);");

        JsonNode posture = get("/v1/posture");

        assertThat(posture.get("generatedAt").asText()).isNotBlank();
        JsonNode findings = posture.get("findings");
        assertThat(findings.findValuesAsText("id")).contains("toxic-flow:support-bot/triage", "broad-policy:yolo");
        JsonNode first = findings.get(0);
        assertThat(first.get("severity").asText()).isEqualTo("critical");
        for (String field : List.of("id", "rule", "severity", "subject", "title", "evidence", "fix")) {
            assertThat(first.get(field).asText()).as(field).isNotBlank();
        }
        JsonNode controls = first.get("controls");
        assertThat(controls.get("owaspNhi").size()).isPositive();
        assertThat(controls.get("owaspAgentic").size()).isPositive();
        assertThat(controls.get("nistAiRmf").size()).isPositive();
        assertThat(posture.get("counts").get("critical").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theScenarioPoliciesLeaveAFreshNodeWithoutFindings() throws Exception {
        node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS + VisibilityTesting.FORBIDS);

        assertThat(get("/v1/posture").get("findings")).isEmpty();
    }
}

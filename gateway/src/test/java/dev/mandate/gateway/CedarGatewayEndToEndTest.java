package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.approval.Approvals;
import dev.mandate.core.approval.InMemoryApprovalStore;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.core.policy.PolicyStore;
import dev.mandate.gateway.policy.CedarCallDecider;
import dev.mandate.gateway.policy.DriftListener;
import dev.mandate.gateway.policy.DriftSettings;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Cedar decider in the real gateway: an SDK agent through /mcp to an SDK upstream. */
final class CedarGatewayEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICIES = """
            @id("crm-triage") @redact("$.structuredContent.ssn")
            permit (principal in Team::"team-support", action in Action::"call_tool", resource == McpServer::"crm")
            when { context.mandate.purpose == "triage" };

            @id("no-egress-after-pii") @approval("security-oncall")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") }
            unless { context.approval.granted };
            """;

    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final Recorders.Audit audit = new Recorders.Audit();
    private final InstantSource clock = InstantSource.system();
    private final Approvals approvals = new Approvals(new InMemoryApprovalStore(), clock, Duration.ofMinutes(5));
    private HttpUpstream upstream;
    private TestGateway gateway;
    private McpSyncClient agent;

    @BeforeEach
    void start() throws Exception {
        upstream = new HttpUpstream();
        String config = """
                {"upstreams": {"crm": {"url": "%s"}},
                 "catalog": {"tools": {"crm": {
                     "get_customer": {"labels": "confidential,pii", "expose": ["customerId"]},
                     "send_email": {"labels": "internal", "egress": true, "expose": ["to"]},
                     "echo": {"labels": "public"}}}}}
                """.formatted(upstream.url());
        String agentId = "spiffe://mandate.local/agent/m1";
        Instant issued = clock.instant();
        MandateLookup lookup = new MandateLookup() {
            @Override
            public @Nullable MandateFacts mandate(String id) {
                return id.equals("m1")
                        ? new MandateFacts(
                                id,
                                agentId,
                                "triage",
                                Tier.AUTONOMOUS,
                                0,
                                "alice",
                                issued,
                                issued.plus(Duration.ofHours(1)),
                                Set.of("crm.*"),
                                0,
                                Sensitivity.PUBLIC)
                        : null;
            }

            @Override
            public @Nullable AgentFacts agent(String id) {
                return id.equals(agentId) ? new AgentFacts(id, "team-support", true, Tier.AUTONOMOUS) : null;
            }
        };
        PolicyStore store = PolicyStore.of(Map.of("support.cedar", POLICIES), clock);
        CedarCallDecider decider = new CedarCallDecider(
                new PolicyEngine(store::current),
                approvals,
                lookup,
                DriftSettings.DEFAULTS,
                DriftListener.NONE,
                action -> null);
        gateway = new TestGateway(config, tokens, decider, audit);
        tokens.add("m1", Recorders.fresh());
        agent = gateway.agent("m1");
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void piiThenEgressWaitsForApprovalAndTheApprovedCallPassesOnce() throws Exception {
        assertThat(agent.listTools().tools()).extracting(McpSchema.Tool::name).contains("crm.send_email");
        McpSchema.CallToolResult customer =
                agent.callTool(new McpSchema.CallToolRequest("crm.get_customer", Map.of("customerId", "c-1")));
        assertThat(JSON.writeValueAsString(customer.structuredContent()))
                .contains("Ada")
                .doesNotContain("123-45-6789");

        McpSchema.CallToolRequest email =
                new McpSchema.CallToolRequest("crm.send_email", Map.of("to", "x@evil.example"));
        String approvalId = approvalIdOf(email);
        approvals.approve(approvalId, "security-oncall", "customer asked for a copy");

        assertThat(((McpSchema.TextContent) agent.callTool(email).content().get(0)).text())
                .contains("sent to");
        assertThat(approvalIdOf(email)).isNotEqualTo(approvalId);
        assertThat(audit.entries.get(audit.entries.size() - 1).details())
                .containsEntry("decision", "approval-required");
    }

    private String approvalIdOf(McpSchema.CallToolRequest request) {
        String[] id = new String[1];
        assertThatThrownBy(() -> agent.callTool(request)).isInstanceOfSatisfying(McpError.class, e -> {
            assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.APPROVAL_REQUIRED.jsonRpcCode());
            assertThat(e.getMessage()).contains("no-egress-after-pii");
            Matcher m = Pattern.compile("apr_[0-9a-f]{32}").matcher(e.getMessage());
            assertThat(m.find()).isTrue();
            id[0] = m.group();
        });
        return id[0];
    }
}

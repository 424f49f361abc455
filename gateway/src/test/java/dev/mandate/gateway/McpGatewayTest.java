package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.flow.Category;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class McpGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final Recorders.Decider decider = new Recorders.Decider();
    private final Recorders.Audit audit = new Recorders.Audit();
    private HttpUpstream upstream;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = new HttpUpstream();
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        String config = """
                {"upstreams": {
                   "crm": {"url": "%s"},
                   "dead": {"url": "http://127.0.0.1:%d/mcp"}},
                 "catalog": {
                   "tools": {"crm": {
                     "get_customer": {"labels": "confidential,pii", "expose": ["customerId"]},
                     "send_email": {"labels": "internal", "egress": true, "expose": ["to"]},
                     "remember": {"labels": "internal", "store": {"name": "memory", "key": "key", "access": "write"}},
                     "recall": {"labels": "internal", "store": {"name": "memory", "key": "key", "access": "read"}}}},
                   "resources": {"crm": {"crm://customers/1": {"labels": "confidential,pii"}}},
                   "prompts": {"crm": {"summary": {"labels": "internal"}}}}}
                """.formatted(upstream.url(), dead);
        gateway = new TestGateway(config, tokens, decider, audit);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    private McpSyncClient agent(String mandateId, FlowState flow) {
        tokens.add(mandateId, flow);
        return gateway.agent(mandateId);
    }

    private static McpSchema.CallToolRequest call(String name, Map<String, Object> args) {
        return new McpSchema.CallToolRequest(name, args);
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void anSdkAgentInitializesListsAndCallsThroughTheGateway() {
        McpSyncClient agent = agent("m1", Recorders.fresh());

        assertThat(agent.getServerInfo().name()).isEqualTo("mandate-gateway");
        assertThat(agent.getServerCapabilities().tools()).isNotNull();
        assertThat(agent.listTools().tools())
                .extracting(McpSchema.Tool::name)
                .contains("crm.get_customer", "crm.send_email", "crm.echo", "crm.remember", "crm.recall");
        McpSchema.CallToolResult result = agent.callTool(call("crm.echo", Map.of("text", "secret-value")));

        assertThat(text(result)).isEqualTo("echo secret-value");
        AuditEntry entry = audit.entries.get(audit.entries.size() - 1);
        assertThat(entry.type()).isEqualTo("gateway.call");
        assertThat(entry.actor()).isEqualTo("spiffe://mandate.local/agent/m1");
        assertThat(entry.subject()).isEqualTo("m1");
        assertThat(entry.details())
                .containsEntry("decision", "allow")
                .containsEntry("tool", "crm.echo")
                .containsEntry("upstreamStatus", "ok");
        assertThat(entry.details().get("argumentDigest")).startsWith("sha256:");
        assertThat(entry.details().values()).noneMatch(v -> v.contains("secret-value"));
        assertThat(agent.ping()).isNotNull();
    }

    @Test
    void toolsListShowsOnlyToolsTheCallerCouldBeAllowed() {
        decider.rule = r -> r.action().equals("crm.send_email")
                ? new Decision.Deny(List.of("no-email"), "no email")
                : new Decision.Allow(List.of());
        McpSyncClient agent = agent("m1", Recorders.fresh());

        assertThat(agent.listTools().tools())
                .extracting(McpSchema.Tool::name)
                .contains("crm.get_customer")
                .doesNotContain("crm.send_email");
        assertThat(decider.requests).anyMatch(r -> r.listing() && r.action().equals("crm.send_email"));
    }

    @Test
    void theDefaultDeciderDeniesEverythingAndListsNothing() {
        decider.rule = CallDecider.DENY_ALL::decide;
        McpSyncClient agent = agent("m1", Recorders.fresh());

        assertThat(agent.listTools().tools()).isEmpty();
        assertThatThrownBy(() -> agent.callTool(call("crm.echo", Map.of())))
                .isInstanceOfSatisfying(
                        McpError.class, e -> assertThat(e.getMessage()).contains("no policy engine is configured"));
    }

    @Test
    void aDenialIsAJsonRpcErrorNamingTheDecisionAndPolicies() {
        McpSyncClient agent = agent("m1", Recorders.fresh());
        decider.rule = r -> new Decision.Deny(List.of("policy-7", "policy-9"), "not during an audit");
        int before = upstream.tools.calls.get();

        assertThatThrownBy(() -> agent.callTool(call("crm.send_email", Map.of("to", "x@example.com"))))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.DENIED.jsonRpcCode());
                    assertThat(e.getMessage()).contains("deny", "policy-7", "policy-9", "crm.send_email");
                });
        assertThat(upstream.tools.calls.get()).isEqualTo(before);
        assertThat(audit.entries.get(audit.entries.size() - 1).details())
                .containsEntry("decision", "deny")
                .containsEntry("policies", "policy-7,policy-9")
                .containsEntry("upstreamStatus", "not-called");
    }

    @Test
    void approvalRequiredAndBudgetExceededHaveTheirOwnCodes() {
        McpSyncClient agent = agent("m1", Recorders.fresh());
        decider.rule = r -> new Decision.ApprovalRequired("appr-42", List.of("needs-approval"));
        assertThatThrownBy(() -> agent.callTool(call("crm.send_email", Map.of())))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.APPROVAL_REQUIRED.jsonRpcCode());
                    assertThat(e.getMessage()).contains("appr-42", "needs-approval");
                });
        decider.rule =
                r -> new Decision.Deny(List.of(), "budget of 10 calls spent", Decision.Deny.Kind.BUDGET_EXCEEDED);
        assertThatThrownBy(() -> agent.callTool(call("crm.send_email", Map.of())))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code())
                                .isEqualTo(GatewayError.BUDGET_EXCEEDED.jsonRpcCode()));
    }

    @Test
    void labelsGrowAcrossCallsAndTheDeciderSeesThem() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m1", flow);
        decider.rule = r -> r.entry().egress() && r.flow().has(Category.PII)
                ? new Decision.Deny(List.of("no-egress-after-pii"), "pii was read")
                : new Decision.Allow(List.of());

        agent.callTool(call("crm.get_customer", Map.of("customerId", "c-1")));
        assertThat(flow.current()).isEqualTo(FlowLabels.parse("confidential,pii"));
        assertThatThrownBy(() -> agent.callTool(call("crm.send_email", Map.of("to", "x@example.com"))))
                .isInstanceOfSatisfying(
                        McpError.class, e -> assertThat(e.getMessage()).contains("no-egress-after-pii"));

        List<DecisionRequest> calls = decider.calls();
        DecisionRequest read = calls.get(0);
        DecisionRequest send = calls.get(1);
        assertThat(read.flow()).isEqualTo(FlowLabels.NONE);
        assertThat(read.selected()).containsKey("customerId");
        assertThat(read.actionGroups()).contains("reads:pii", "reads:confidential");
        assertThat(send.flow()).isEqualTo(FlowLabels.parse("confidential,pii"));
        assertThat(send.actionGroups()).contains("egress");
        assertThat(send.selected()).containsKey("to");
        assertThat(String.valueOf(send.selected().get("to"))).isEqualTo("\"x@example.com\"");
        assertThat(send.argumentDigest()).startsWith("sha256:");
        assertThat(audit.entries.get(audit.entries.size() - 1).details())
                .containsEntry("labelsBefore", "confidential,pii");
    }

    @Test
    void anUnconfiguredToolOfAnUntrustedUpstreamGetsTheMostRestrictiveLabels() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m1", flow);

        agent.callTool(call("crm.echo", Map.of("text", "x")));

        assertThat(decider.calls().get(0).entry()).isEqualTo(CatalogEntry.MOST_RESTRICTIVE);
        assertThat(flow.current()).isEqualTo(FlowLabels.MOST_RESTRICTIVE);
    }

    @Test
    void ifTheAuditRecordFailsTheCallFails() {
        McpSyncClient agent = agent("m1", Recorders.fresh());
        audit.failing = true;

        assertThatThrownBy(() -> agent.callTool(call("crm.echo", Map.of("text", "x"))))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.AUDIT_UNAVAILABLE.jsonRpcCode());
                    assertThat(e.getMessage()).doesNotContain("echo x");
                });
    }

    @Test
    void aRedactObligationRemovesFieldsBeforeTheAgentSeesThem() throws Exception {
        McpSyncClient agent = agent("m1", Recorders.fresh());
        decider.rule = r -> new Decision.Allow(List.of(new Obligation.Redact("$.structuredContent.ssn")));

        McpSchema.CallToolResult result = agent.callTool(call("crm.get_customer", Map.of("customerId", "c-1")));

        JsonNode structured = JSON.valueToTree(result.structuredContent());
        assertThat(structured.has("ssn")).isFalse();
        assertThat(structured.path("name").asText()).isEqualTo("Ada");
    }

    @Test
    void aStoreHandsTheLabelsOfWhatWasWrittenToWhoeverReadsIt() {
        McpSyncClient writer = agent("writer", Recorders.fresh());
        writer.callTool(call("crm.get_customer", Map.of("customerId", "c-1")));
        writer.callTool(call("crm.remember", Map.of("key", "note-1", "value", "Ada's ssn")));

        FlowState readerFlow = Recorders.fresh();
        McpSyncClient reader = agent("reader", readerFlow);
        reader.callTool(call("crm.recall", Map.of("key", "note-2")));
        assertThat(readerFlow.current().has(Category.PII)).isFalse();
        reader.callTool(call("crm.recall", Map.of("key", "note-1")));
        assertThat(readerFlow.current().has(Category.PII)).isTrue();
        assertThat(readerFlow.current().sensitivity())
                .isEqualTo(FlowLabels.parse("confidential").sensitivity());
    }

    @Test
    void resourcesAndPromptsAreRelayedDecidedAndLabelled() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m1", flow);

        assertThat(agent.listResources().resources())
                .extracting(McpSchema.Resource::uri)
                .containsExactly("crm://customers/1");
        McpSchema.ReadResourceResult read = agent.readResource(new McpSchema.ReadResourceRequest("crm://customers/1"));
        assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).text())
                .isEqualTo("Ada Lovelace");
        assertThat(flow.current()).isEqualTo(FlowLabels.parse("confidential,pii"));

        assertThat(agent.listPrompts().prompts())
                .extracting(McpSchema.Prompt::name)
                .containsExactly("crm.summary");
        McpSchema.GetPromptResult prompt =
                agent.getPrompt(new McpSchema.GetPromptRequest("crm.summary", Map.of("id", "7")));
        assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                .isEqualTo("Summarise customer 7");
        assertThat(decider.calls())
                .extracting(DecisionRequest::method)
                .containsExactly("resources/read", "prompts/get");
    }

    @Test
    void anUnreachableUpstreamIsUpstreamUnavailableAndAnUnknownToolIsABadRequest() {
        McpSyncClient agent = agent("m1", Recorders.fresh());

        assertThatThrownBy(() -> agent.callTool(call("dead.anything", Map.of())))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code())
                                .isEqualTo(GatewayError.UPSTREAM_UNAVAILABLE.jsonRpcCode()));
        assertThatThrownBy(() -> agent.callTool(call("crm.nope", Map.of())))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.BAD_REQUEST.jsonRpcCode()));
        assertThatThrownBy(() -> agent.callTool(call("no-dot", Map.of())))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.BAD_REQUEST.jsonRpcCode()));
    }

    @Test
    void anUpstreamToolListChangeReachesTheAgent() throws Exception {
        java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
        tokens.add("m1", Recorders.fresh());
        McpSyncClient agent = McpClient.sync(HttpClientStreamableHttpTransport.builder(gateway.url())
                        .endpoint("/mcp")
                        .openConnectionOnStartup(true)
                        .httpRequestCustomizer(
                                (b, method, uri, body, context) -> b.header("Authorization", "Bearer token-m1"))
                        .build())
                .requestTimeout(Duration.ofSeconds(20))
                .toolsChangeConsumer(tools -> changed.countDown())
                .build();
        gateway.closedWithGateway(agent);
        agent.initialize();
        agent.listTools();

        upstream.server().notifyToolsListChanged();

        assertThat(changed.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aDeciderThatThrowsDenies() {
        McpSyncClient agent = agent("m1", Recorders.fresh());
        decider.rule = r -> {
            throw new IllegalStateException("engine bug");
        };
        assertThatThrownBy(() -> agent.callTool(call("crm.echo", Map.of())))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.DENIED.jsonRpcCode()));
        assertThat(agent.listTools().tools()).isEmpty();
    }
}

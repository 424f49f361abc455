package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.gateway.testing.DocsUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5, reading on someone's behalf: what is labelled above the clearance of the principal a mandate acts for
 * never reaches the agent — whole results are refused before the call is forwarded, items of a result are removed —
 * and withheld data adds no flow labels.
 */
final class ClearanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final Recorders.Decider decider = new Recorders.Decider();
    private final Recorders.Audit audit = new Recorders.Audit();
    private DocsUpstream docs;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        docs = new DocsUpstream();
        String config = """
                {"upstreams": {"docs": {"url": "%s"}},
                 "catalog": {
                   "tools": {"docs": {
                     "search": {"labels": "internal"},
                     "export_all": {"labels": "restricted,pii"}}},
                   "resources": {"docs": {
                     "docs://{team}/{doc}": {"labels": "internal"},
                     "docs://hr/{doc}": {"labels": "confidential,pii"},
                     "docs://restricted/{+path}": {"labels": "restricted"}}}}}
                """.formatted(docs.url());
        gateway = new TestGateway(config, tokens, decider, audit);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        docs.close();
    }

    private McpSyncClient agent(String mandateId, FlowState flow, @Nullable Sensitivity clearance) {
        tokens.add(mandateId, flow, clearance);
        return gateway.agent(mandateId);
    }

    private static List<String> uris(McpSchema.CallToolResult result) {
        List<String> out = new ArrayList<>();
        for (McpSchema.Content c : result.content()) {
            if (c instanceof McpSchema.ResourceLink link) {
                out.add("link " + link.uri());
            } else if (c instanceof McpSchema.EmbeddedResource embedded) {
                out.add("embedded " + embedded.resource().uri());
            }
        }
        return out;
    }

    private AuditEntry lastCall() {
        return audit.entries.stream()
                .filter(e -> e.type().equals("gateway.call"))
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    @Test
    void aSearchOnBehalfOfAConfidentialUserLosesOnlyTheRestrictedDocumentsAndItsLabelsDoNotFlow() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m-alice", flow, Sensitivity.CONFIDENTIAL);

        McpSchema.CallToolResult result =
                agent.callTool(new McpSchema.CallToolRequest("docs.search", Map.of("query", "plans")));

        assertThat(uris(result)).containsExactly("link " + DocsUpstream.HANDBOOK, "link " + DocsUpstream.SALARIES);
        assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("3 documents match");
        JsonNode hits = JSON.valueToTree(result.structuredContent()).path("hits");
        assertThat(hits.findValuesAsText("uri")).containsExactly(DocsUpstream.HANDBOOK, DocsUpstream.SALARIES);
        assertThat(flow.current()).isEqualTo(FlowLabels.parse("confidential,pii"));
        AuditEntry entry = lastCall();
        assertThat(entry.details())
                .containsEntry("upstreamStatus", "ok")
                .containsEntry("clearance", "confidential")
                .containsEntry("withheld", "3")
                .containsEntry("withheldLabels", "restricted")
                .containsEntry("withheldUris", DocsUpstream.LAYOFFS)
                .containsEntry("labelsAfter", "confidential,pii");
    }

    @Test
    void theSameSearchForAMandateThatActsForNobodyPassesEverythingAndCarriesItsLabels() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m-own", flow, null);

        McpSchema.CallToolResult result =
                agent.callTool(new McpSchema.CallToolRequest("docs.search", Map.of("query", "plans")));

        assertThat(uris(result)).hasSize(4).contains("embedded " + DocsUpstream.LAYOFFS);
        assertThat(flow.current()).isEqualTo(FlowLabels.parse("restricted,pii"));
        assertThat(lastCall().details()).doesNotContainKey("withheld");
    }

    @Test
    void aPrincipalCleared_internal_SeesOnlyInternalItemsOfTheSameSearch() {
        McpSyncClient agent = agent("m-bob", Recorders.fresh(), Sensitivity.INTERNAL);

        McpSchema.CallToolResult result =
                agent.callTool(new McpSchema.CallToolRequest("docs.search", Map.of("query", "plans")));

        assertThat(uris(result)).containsExactly("link " + DocsUpstream.HANDBOOK);
    }

    @Test
    void aToolWhoseWholeResultIsAboveTheClearanceIsRefusedUnforwardedUnlistedAndAddsNoLabels() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m-alice", flow, Sensitivity.CONFIDENTIAL);

        assertThat(agent.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("docs.search");
        assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("docs.export_all", Map.of())))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(GatewayError.ABOVE_CLEARANCE.jsonRpcCode());
                    assertThat(e.getMessage()).contains("restricted,pii").contains("'confidential'");
                });
        assertThat(docs.calls).hasValue(0);
        assertThat(flow.current()).isEqualTo(FlowLabels.NONE);
        assertThat(lastCall().details())
                .containsEntry("decision", "allow")
                .containsEntry("upstreamStatus", "not-called")
                .containsEntry("clearance", "confidential")
                .containsEntry("withheldLabels", "restricted,pii");
    }

    @Test
    void aResourceReadWithoutListingFirstIsRoutedAndStillHeldToTheClearance() {
        McpSyncClient agent = agent("m-alice", Recorders.fresh(), Sensitivity.CONFIDENTIAL);

        McpSchema.ReadResourceResult salaries =
                agent.readResource(new McpSchema.ReadResourceRequest(DocsUpstream.SALARIES));
        assertThat(((McpSchema.TextResourceContents) salaries.contents().get(0)).text())
                .isEqualTo("text of salaries");
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest(DocsUpstream.LAYOFFS)))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code())
                                .isEqualTo(GatewayError.ABOVE_CLEARANCE.jsonRpcCode()));
    }

    @Test
    void aRestrictedResourceIsNeitherListedNorReadForAConfidentialUser() {
        // The gateway learns which upstream serves a URI from any listing; a mandate that acts for nobody sees all.
        assertThat(agent("m-own", Recorders.fresh(), null).listResources().resources())
                .hasSize(3);
        McpSyncClient agent = agent("m-alice", Recorders.fresh(), Sensitivity.CONFIDENTIAL);

        assertThat(agent.listResources().resources())
                .extracting(McpSchema.Resource::uri)
                .containsExactlyInAnyOrder(DocsUpstream.HANDBOOK, DocsUpstream.SALARIES);
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest(DocsUpstream.LAYOFFS)))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code())
                                .isEqualTo(GatewayError.ABOVE_CLEARANCE.jsonRpcCode()));
        McpSchema.ReadResourceResult salaries =
                agent.readResource(new McpSchema.ReadResourceRequest(DocsUpstream.SALARIES));
        assertThat(((McpSchema.TextResourceContents) salaries.contents().get(0)).text())
                .isEqualTo("text of salaries");
    }

    @Test
    void aPrincipalWithPublicClearanceGetsNoDocumentAtAll() {
        McpSyncClient agent = agent("m-guest", Recorders.fresh(), Sensitivity.PUBLIC);

        assertThat(agent.listTools().tools()).isEmpty();
        assertThat(agent.listResources().resources()).isEmpty();
    }

    @Test
    void ifTheFlowLabelsCannotBeStoredTheAnswerIsWithheld() {
        FlowState flow = FlowState.root(FlowLabels.NONE, labels -> {
            throw new MandateException(ErrorCode.UNAVAILABLE, "store down");
        });
        McpSyncClient agent = agent("m-down", flow, null);

        assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("docs.search", Map.of())))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code())
                                .isEqualTo(GatewayError.LABELS_UNAVAILABLE.jsonRpcCode()));
        assertThat(flow.current().sensitivity()).isEqualTo(Sensitivity.RESTRICTED);
        assertThat(lastCall().details()).containsEntry("upstreamStatus", "labels-unavailable");
    }
}

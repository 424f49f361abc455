package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two upstreams whose resource templates overlap ({@code docs://{team}/{doc}} and {@code docs://secret/{+path}}) and
 * that list no resources: a URI under both is served by both, so the templates are listed namespaced, and a link to
 * such a URI — as a {@code resource_link} or in {@code structuredContent} — names the upstream that wrote it, so
 * following it reads that upstream's copy. A URI only one template covers keeps its name.
 */
final class TemplateLinksTest {
    private static final String SECRET = "docs://secret/plan";
    private static final String ENG = "docs://eng/notes";

    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private GetStreamUpstream wiki = new GetStreamUpstream("wiki", "docs://{team}/{doc}");
    private GetStreamUpstream vault = new GetStreamUpstream("vault", "docs://secret/{+path}");
    private TestGateway gateway;
    private McpSyncClient agent;

    @BeforeEach
    void start() throws Exception {
        gateway = new TestGateway(
                """
                {"upstreams": {"wiki": {"url": "%s"}, "vault": {"url": "%s"}}}
                """.formatted(wiki.url(), vault.url()), tokens, new Recorders.Decider(), new Recorders.Audit());
        tokens.add("m-a", Recorders.fresh());
        agent = gateway.agent("m-a");
    }

    @AfterEach
    void stop() {
        gateway.close();
        wiki.close();
        vault.close();
    }

    @Test
    void overlappingTemplatesAreListedUnderTheirUpstreamsNamespace() {
        assertThat(agent.listResourceTemplates().resourceTemplates())
                .extracting(McpSchema.ResourceTemplate::uriTemplate)
                .containsExactlyInAnyOrder(
                        "mandate://wiki/docs://{team}/{doc}", "mandate://vault/docs://secret/{+path}");
        // Why: a bare URI under both templates has two upstreams.
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest(SECRET)))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("read one of mandate://vault/" + SECRET + ", mandate://wiki/" + SECRET);
    }

    @Test
    void aLinkToAUriBothTemplatesCoverNamesItsUpstreamInContentAndStructuredContentAndLeadsBackThere() {
        McpSchema.CallToolResult result =
                agent.callTool(new McpSchema.CallToolRequest("wiki.link", Map.of("uri", SECRET)));

        String link = ((McpSchema.ResourceLink) result.content().get(0)).uri();
        assertThat(link).isEqualTo("mandate://wiki/" + SECRET);
        assertThat(result.structuredContent()).isEqualTo(Map.of("doc", Map.of("uri", "mandate://wiki/" + SECRET)));
        McpSchema.ReadResourceResult read = agent.readResource(new McpSchema.ReadResourceRequest(link));
        assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).text())
                .isEqualTo("wiki " + SECRET);
    }

    @Test
    void aLinkToAUriOnlyItsUpstreamsTemplateCoversKeepsItsName() {
        McpSchema.CallToolResult result =
                agent.callTool(new McpSchema.CallToolRequest("wiki.link", Map.of("uri", ENG)));

        assertThat(((McpSchema.ResourceLink) result.content().get(0)).uri()).isEqualTo(ENG);
        assertThat(result.structuredContent()).isEqualTo(Map.of("doc", Map.of("uri", ENG)));
        McpSchema.ReadResourceResult read = agent.readResource(new McpSchema.ReadResourceRequest(ENG));
        assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).text())
                .isEqualTo("wiki " + ENG);
    }
}

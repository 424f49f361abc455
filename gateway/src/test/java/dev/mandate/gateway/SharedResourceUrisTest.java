package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.catalog.CatalogKey;
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
 * Two upstreams serve the same resource URIs (two document stores, {@code docs} and its {@code archive}, each with
 * its own catalog labels): each copy is listed under its own namespaced URI, a read goes to the upstream the URI names
 * and is decided, labelled and held to the clearance as that upstream's, and a bare URI that both serve is refused
 * rather than sent to either. A third upstream ({@code crm}) serves a URI no other does: it keeps its own name. A tool
 * or prompt result that links or embeds a shared URI names it the way the listing does, so the agent can follow it.
 */
final class SharedResourceUrisTest {
    private static final String HANDBOOK_DOCS = "mandate://docs/" + DocsUpstream.HANDBOOK;
    private static final String HANDBOOK_ARCHIVE = "mandate://archive/" + DocsUpstream.HANDBOOK;
    private static final String SALARIES_DOCS = "mandate://docs/" + DocsUpstream.SALARIES;
    private static final String SALARIES_ARCHIVE = "mandate://archive/" + DocsUpstream.SALARIES;
    private static final String LAYOFFS_DOCS = "mandate://docs/" + DocsUpstream.LAYOFFS;
    private static final String LAYOFFS_ARCHIVE = "mandate://archive/" + DocsUpstream.LAYOFFS;
    private static final String CUSTOMER = "crm://customers/1";
    /** A document only the store serves, not its archive. */
    private static final String DRAFTS = "docs://eng/drafts";
    /** The archive's own URI that looks like the store's namespaced handbook: it must not lead the agent there. */
    private static final String LOOKALIKE = "mandate://archive/" + HANDBOOK_DOCS;

    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final Recorders.Decider decider = new Recorders.Decider();
    private final Recorders.Audit audit = new Recorders.Audit();
    private DocsUpstream docs;
    private DocsUpstream archive;
    private HttpUpstream crm;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        docs = new DocsUpstream("", DRAFTS);
        archive = new DocsUpstream("archived ", HANDBOOK_DOCS);
        crm = new HttpUpstream();
        gateway = new TestGateway("""
                {"upstreams": {"docs": {"url": "%s"}, "archive": {"url": "%s"}, "crm": {"url": "%s"}},
                 "catalog": {
                   "tools": {"docs": {"search": {"labels": "internal"}}, "archive": {"search": {"labels": "internal"}}},
                   "resources": {
                   "docs": {
                     "docs://{team}/{doc}": {"labels": "internal"},
                     "docs://hr/{doc}": {"labels": "confidential,pii"},
                     "docs://restricted/{+path}": {"labels": "restricted"}},
                   "archive": {"docs://{+any}": {"labels": "restricted"}, "mandate://{+any}": {"labels": "restricted"}},
                   "crm": {"crm://customers/1": {"labels": "confidential,pii"}}}}}
                """.formatted(docs.url(), archive.url(), crm.url()), tokens, decider, audit);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        docs.close();
        archive.close();
        crm.close();
    }

    private McpSyncClient agent(String mandateId, FlowState flow, @Nullable Sensitivity clearance) {
        tokens.add(mandateId, flow, clearance);
        return gateway.agent(mandateId);
    }

    private static String text(McpSchema.ReadResourceResult result) {
        return ((McpSchema.TextResourceContents) result.contents().get(0)).text();
    }

    private static List<String> uris(McpSyncClient agent) {
        return agent.listResources().resources().stream()
                .map(McpSchema.Resource::uri)
                .toList();
    }

    /** The URIs of a tool result's resource links and embedded resources, in order, each marked with its kind. */
    private static List<String> linked(McpSchema.CallToolResult result) {
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

    private static McpSchema.CallToolResult search(McpSyncClient agent, String server) {
        return agent.callTool(new McpSchema.CallToolRequest(server + ".search", Map.of("query", "plans")));
    }

    private AuditEntry lastCall() {
        return audit.entries.stream()
                .filter(e -> e.type().equals("gateway.call"))
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    private static void assertCode(Throwable e, GatewayError error) {
        assertThat(e).isInstanceOf(McpError.class);
        assertThat(((McpError) e).getJsonRpcError().code()).isEqualTo(error.jsonRpcCode());
    }

    @Test
    void eachCopyOfAUriTwoUpstreamsServeIsListedUnderItsUpstreamsNamespace() {
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        assertThat(uris(agent))
                .containsExactlyInAnyOrder(
                        HANDBOOK_DOCS,
                        SALARIES_DOCS,
                        LAYOFFS_DOCS,
                        HANDBOOK_ARCHIVE,
                        SALARIES_ARCHIVE,
                        LAYOFFS_ARCHIVE,
                        LOOKALIKE,
                        DRAFTS,
                        CUSTOMER);
    }

    @Test
    void aUriOnlyOneUpstreamServesKeepsItsNameAndABareReadGoesThere() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m-own", flow, null);

        McpSchema.ReadResourceResult customer = agent.readResource(new McpSchema.ReadResourceRequest(CUSTOMER));

        assertThat(text(customer)).isEqualTo("Ada Lovelace");
        assertThat(customer.contents().get(0).uri()).isEqualTo(CUSTOMER);
        assertThat(decider.calls().get(0).target().server()).isEqualTo("crm");
        assertThat(flow.current()).isEqualTo(FlowLabels.parse("confidential,pii"));
        assertThat(lastCall().details()).containsEntry("upstream", "crm").containsEntry("tool", CUSTOMER);
        assertThat(docs.reads).hasValue(0);
        assertThat(archive.reads).hasValue(0);
    }

    @Test
    void aNamespacedReadGoesToTheUpstreamItNamesAndIsDecidedAndRecordedAsThatUpstreams() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m-own", flow, null);

        McpSchema.ReadResourceResult fromArchive =
                agent.readResource(new McpSchema.ReadResourceRequest(SALARIES_ARCHIVE));

        assertThat(text(fromArchive)).isEqualTo("archived text of salaries");
        assertThat(fromArchive.contents().get(0).uri()).isEqualTo(SALARIES_ARCHIVE);
        assertThat(archive.reads).hasValue(1);
        assertThat(docs.reads).hasValue(0);
        DecisionRequest decided = decider.calls().get(0);
        assertThat(decided.target().server()).isEqualTo("archive");
        assertThat(decided.action()).isEqualTo(DocsUpstream.SALARIES);
        assertThat(flow.current()).isEqualTo(FlowLabels.parse("restricted"));
        assertThat(lastCall().details())
                .containsEntry("tool", DocsUpstream.SALARIES)
                .containsEntry("upstream", "archive")
                .containsEntry("upstreamStatus", "ok");

        McpSchema.ReadResourceResult fromDocs = agent.readResource(new McpSchema.ReadResourceRequest(SALARIES_DOCS));

        assertThat(text(fromDocs)).isEqualTo("text of salaries");
        assertThat(docs.reads).hasValue(1);
        assertThat(decider.calls().get(1).target().server()).isEqualTo("docs");
        assertThat(lastCall().details()).containsEntry("upstream", "docs");
    }

    @Test
    void aBareUriThatTwoUpstreamsServeIsRefusedNamingBothAndReachesNeitherBeforeOrAfterListing() {
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest(DocsUpstream.SALARIES)))
                    .satisfies(e -> assertCode(e, GatewayError.BAD_REQUEST))
                    .hasMessageContaining("2 upstreams serve it")
                    .hasMessageContaining(SALARIES_ARCHIVE)
                    .hasMessageContaining(SALARIES_DOCS);
            agent.listResources();
        }
        assertThat(docs.reads).hasValue(0);
        assertThat(archive.reads).hasValue(0);
        assertThat(decider.calls()).isEmpty();
    }

    @Test
    void theClearanceHoldsForEachUpstreamsCopyByItsOwnLabels() {
        FlowState flow = Recorders.fresh();
        McpSyncClient agent = agent("m-alice", flow, Sensitivity.CONFIDENTIAL);

        // The archive labels every copy restricted: a confidential user sees only the store's own copies (and crm's).
        assertThat(uris(agent)).containsExactlyInAnyOrder(HANDBOOK_DOCS, SALARIES_DOCS, DRAFTS, CUSTOMER);
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest(HANDBOOK_ARCHIVE)))
                .satisfies(e -> assertCode(e, GatewayError.ABOVE_CLEARANCE))
                .hasMessageContaining("restricted")
                .hasMessageContaining("'confidential'");
        assertThat(archive.reads).hasValue(0);
        assertThat(flow.current()).isEqualTo(FlowLabels.NONE);

        assertThat(text(agent.readResource(new McpSchema.ReadResourceRequest(HANDBOOK_DOCS))))
                .isEqualTo("text of handbook");
        assertThat(flow.current()).isEqualTo(FlowLabels.parse("internal"));
    }

    @Test
    void aPolicyThatDeniesOneUpstreamKeepsItsCopyUnlistedAndUnreadWhileTheOtherPasses() {
        decider.rule = r -> r.target().server().equals("archive")
                ? new Decision.Deny(List.of("no-archive"), "the archive is closed")
                : new Decision.Allow(List.of());
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        assertThat(uris(agent)).containsExactlyInAnyOrder(HANDBOOK_DOCS, SALARIES_DOCS, LAYOFFS_DOCS, DRAFTS, CUSTOMER);
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest(LAYOFFS_ARCHIVE)))
                .satisfies(e -> assertCode(e, GatewayError.DENIED))
                .hasMessageContaining("no-archive");
        assertThat(archive.reads).hasValue(0);
        assertThat(text(agent.readResource(new McpSchema.ReadResourceRequest(LAYOFFS_DOCS))))
                .isEqualTo("text of layoffs");
    }

    @Test
    void malformedUnknownOrOverlongResourceUrisAreBadRequestsThatReachNoUpstream() {
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        assertThatThrownBy(() -> agent.readResource(
                        new McpSchema.ReadResourceRequest("mandate://nope/" + DocsUpstream.HANDBOOK)))
                .satisfies(e -> assertCode(e, GatewayError.BAD_REQUEST))
                .hasMessageContaining("no upstream 'nope'");
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest("mandate://docs/")))
                .satisfies(e -> assertCode(e, GatewayError.BAD_REQUEST))
                .hasMessageContaining("expected mandate://<server>/<uri>");
        String tooLong = "docs://" + "x".repeat(CatalogKey.MAX_NAME_LENGTH);
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest("mandate://docs/" + tooLong)))
                .satisfies(e -> assertCode(e, GatewayError.BAD_REQUEST))
                .hasMessageContaining("longer than 2048 characters");
        assertThatThrownBy(() -> agent.readResource(new McpSchema.ReadResourceRequest(tooLong)))
                .satisfies(e -> assertCode(e, GatewayError.BAD_REQUEST))
                .hasMessageContaining("longer than 2048 characters");
        assertThat(docs.reads).hasValue(0);
        assertThat(decider.calls()).isEmpty();
    }

    @Test
    void aToolResultLinksASharedUriByItsNamespacedNameAndFollowingItReachesTheUpstreamThatAnswered() {
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        // No listing first: which URIs are shared is found from the upstreams' own listings.
        McpSchema.CallToolResult fromArchive = search(agent, "archive");

        assertThat(linked(fromArchive))
                .containsExactly(
                        "link " + HANDBOOK_ARCHIVE,
                        "link " + SALARIES_ARCHIVE,
                        "link " + LAYOFFS_ARCHIVE,
                        "link " + LOOKALIKE,
                        "embedded " + LAYOFFS_ARCHIVE);
        String link = ((McpSchema.ResourceLink) fromArchive.content().get(2)).uri();
        McpSchema.ReadResourceResult followed = agent.readResource(new McpSchema.ReadResourceRequest(link));
        assertThat(text(followed)).isEqualTo("archived text of salaries");
        assertThat(followed.contents().get(0).uri()).isEqualTo(SALARIES_ARCHIVE);
        assertThat(archive.reads).hasValue(1);
        assertThat(docs.reads).hasValue(0);
        assertThat(lastCall().details()).containsEntry("upstream", "archive");

        McpSchema.CallToolResult fromDocs = search(agent, "docs");

        assertThat(linked(fromDocs))
                .containsExactly(
                        "link " + HANDBOOK_DOCS,
                        "link " + SALARIES_DOCS,
                        "link " + LAYOFFS_DOCS,
                        "link " + DRAFTS,
                        "embedded " + LAYOFFS_DOCS);
        assertThat(text(agent.readResource(new McpSchema.ReadResourceRequest(
                        ((McpSchema.ResourceLink) fromDocs.content().get(2)).uri()))))
                .isEqualTo("text of salaries");
        assertThat(docs.reads).hasValue(1);
        assertThat(archive.reads).hasValue(1);
    }

    @Test
    void aLinkToAUriOnlyItsUpstreamServesKeepsItsNameWhileStructuredHitsOfSharedUrisAreNamespaced() {
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        McpSchema.CallToolResult result = search(agent, "docs");

        assertThat(linked(result)).contains("link " + DRAFTS).doesNotContain("link mandate://docs/" + DRAFTS);
        assertThat(text(agent.readResource(new McpSchema.ReadResourceRequest(DRAFTS))))
                .isEqualTo("text of drafts");
        assertThat(docs.reads).hasValue(1);
        // structuredContent names shared documents as the listing does, so the agent can read the hit it picks.
        assertThat(result.structuredContent())
                .isEqualTo(Map.of(
                        "hits",
                        List.of(
                                Map.of("uri", HANDBOOK_DOCS, "title", "handbook"),
                                Map.of("uri", SALARIES_DOCS, "title", "salaries"),
                                Map.of("uri", LAYOFFS_DOCS, "title", "layoffs"))));
    }

    @Test
    void theClearanceStillWithholdsALinkedItemByItsUpstreamsOwnUriAndLabelsBeforeTheLinkIsRenamed() {
        McpSyncClient agent = agent("m-alice", Recorders.fresh(), Sensitivity.CONFIDENTIAL);

        McpSchema.CallToolResult fromDocs = search(agent, "docs");

        // docs labels layoffs restricted: its link, its embedded copy and its structured hit are withheld, matched by
        // the
        // upstream's own URI; the rest pass, renamed.
        assertThat(linked(fromDocs))
                .containsExactly("link " + HANDBOOK_DOCS, "link " + SALARIES_DOCS, "link " + DRAFTS);
        assertThat(lastCall().details())
                .containsEntry("withheld", "3")
                .containsEntry("withheldUris", DocsUpstream.LAYOFFS);

        // The archive labels every copy restricted: nothing it links passes, under any name.
        McpSchema.CallToolResult fromArchive = search(agent, "archive");

        assertThat(linked(fromArchive)).isEmpty();
        assertThat(lastCall().details()).containsEntry("withheld", "8").containsEntry("tool", "archive.search");
    }

    @Test
    void aPromptResultLinksASharedUriByItsNamespacedName() {
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        McpSchema.GetPromptResult brief = agent.getPrompt(new McpSchema.GetPromptRequest("archive.brief", Map.of()));

        assertThat(((McpSchema.ResourceLink) brief.messages().get(0).content()).uri())
                .isEqualTo(SALARIES_ARCHIVE);
    }

    @Test
    void anUpstreamsLinkThatLooksLikeAnotherUpstreamsNamespacedUriLeadsBackToTheUpstreamThatWroteIt() {
        McpSyncClient agent = agent("m-own", Recorders.fresh(), null);

        McpSchema.CallToolResult fromArchive = search(agent, "archive");

        assertThat(linked(fromArchive)).contains("link " + LOOKALIKE).doesNotContain("link " + HANDBOOK_DOCS);
        assertThat(text(agent.readResource(new McpSchema.ReadResourceRequest(LOOKALIKE))))
                .isEqualTo("archived text of handbook");
        assertThat(archive.reads).hasValue(1);
        assertThat(docs.reads).hasValue(0);
    }
}

package dev.mandate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.flow.FlowLabels;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class CatalogTest {
    private static final CatalogEntry CRM_READ = new CatalogEntry(
            FlowLabels.parse("confidential,pii"),
            false,
            false,
            false,
            null,
            List.of("customerId"),
            CatalogEntry.Source.CONFIGURED);

    private final Catalog catalog =
            new Catalog(Map.of(new CatalogKey(CatalogKind.TOOL, "crm", "get_customer"), CRM_READ), Set.of("trusted"));

    @Test
    void aConfiguredEntryWinsOverHints() {
        assertThat(catalog.tool("crm", "get_customer", new ToolHints(true, false, true)))
                .isEqualTo(CRM_READ);
    }

    @Test
    void hintsOfAnUntrustedUpstreamAreIgnored() {
        CatalogEntry entry = catalog.tool("crm", "delete_all", new ToolHints(true, false, false));
        assertThat(entry).isEqualTo(CatalogEntry.MOST_RESTRICTIVE);
        assertThat(entry.resultLabels()).isEqualTo(FlowLabels.MOST_RESTRICTIVE);
    }

    record HintCase(ToolHints hints, boolean egress, boolean destructive, boolean untrusted) {}

    static List<HintCase> hintCases() {
        return List.of(
                new HintCase(ToolHints.NONE, true, true, true),
                new HintCase(new ToolHints(true, null, false), false, false, false),
                new HintCase(new ToolHints(false, false, false), false, false, false),
                new HintCase(new ToolHints(false, null, false), false, true, false),
                new HintCase(new ToolHints(true, true, null), true, false, true));
    }

    @ParameterizedTest
    @MethodSource("hintCases")
    void hintsOfATrustedUpstreamSeedDefaultsWithTheMcpDefaults(HintCase c) {
        CatalogEntry entry = catalog.tool("trusted", "anything", c.hints());
        assertThat(entry.source()).isEqualTo(CatalogEntry.Source.TRUSTED_HINTS);
        assertThat(entry.egress()).isEqualTo(c.egress());
        assertThat(entry.destructive()).isEqualTo(c.destructive());
        assertThat(entry.untrusted()).isEqualTo(c.untrusted());
        assertThat(entry.resultLabels().untrusted()).isEqualTo(c.untrusted());
    }

    @Test
    void unconfiguredResourcesAndPromptsAreMostRestrictiveEvenOnTrustedUpstreams() {
        assertThat(catalog.entry(CatalogKind.RESOURCE, "trusted", "file:///x"))
                .isEqualTo(CatalogEntry.MOST_RESTRICTIVE);
        assertThat(catalog.entry(CatalogKind.PROMPT, "crm", "p")).isEqualTo(CatalogEntry.MOST_RESTRICTIVE);
    }

    @Test
    void actionGroupsFollowTheLabels() {
        assertThat(CRM_READ.actionGroups()).containsExactly("reads:confidential", "reads:pii");
        assertThat(CatalogEntry.MOST_RESTRICTIVE.actionGroups())
                .containsExactly(
                        "destructive",
                        "egress",
                        "reads:pci",
                        "reads:phi",
                        "reads:pii",
                        "reads:restricted",
                        "reads:secret",
                        "untrusted");
        CatalogEntry memory = new CatalogEntry(
                FlowLabels.NONE,
                false,
                false,
                false,
                new StoreBinding("memory", "key", StoreBinding.Access.READ_WRITE),
                List.of(),
                CatalogEntry.Source.CONFIGURED);
        assertThat(memory.actionGroups()).containsExactly("store");
    }

    @Test
    void limitsAreNamed() {
        assertThatThrownBy(() -> new StoreBinding("bad name", null, StoreBinding.Access.READ))
                .hasMessageContaining("'bad name'");
        List<String> many = java.util.stream.IntStream.range(0, CatalogEntry.MAX_EXPOSED + 1)
                .mapToObj(i -> "a" + i)
                .toList();
        assertThatThrownBy(() -> new CatalogEntry(
                        FlowLabels.NONE, false, false, false, null, many, CatalogEntry.Source.CONFIGURED))
                .hasMessageContaining("MAX_EXPOSED");
    }

    private static CatalogEntry labelled(String labels) {
        return new CatalogEntry(
                FlowLabels.parse(labels), false, false, false, null, List.of(), CatalogEntry.Source.CONFIGURED);
    }

    @Test
    void resourceUrisAreLabelledExactlyThenByTheMostLiteralTemplate() {
        Catalog docs = new Catalog(
                Map.of(
                        new CatalogKey(CatalogKind.RESOURCE, "docs", "docs://{team}/{doc}"), labelled("internal"),
                        new CatalogKey(CatalogKind.RESOURCE, "docs", "docs://restricted/{+path}"),
                                labelled("restricted"),
                        new CatalogKey(CatalogKind.RESOURCE, "docs", "docs://eng/readme"), labelled("public")),
                Set.of());

        assertThat(docs.resource("docs", "docs://eng/readme")).isEqualTo(labelled("public"));
        assertThat(docs.resource("docs", "docs://eng/handbook")).isEqualTo(labelled("internal"));
        assertThat(docs.resource("docs", "docs://restricted/plans")).isEqualTo(labelled("restricted"));
        assertThat(docs.resource("docs", "docs://restricted/plans/2027/layoffs"))
                .isEqualTo(labelled("restricted"));
        assertThat(docs.resource("docs", "docs://eng/a/b")).isNull();
        assertThat(docs.resource("other", "docs://eng/handbook")).isNull();
        assertThat(docs.entry(CatalogKind.RESOURCE, "docs", "docs://eng/a/b")).isEqualTo(CatalogEntry.MOST_RESTRICTIVE);
        assertThat(docs.entry(CatalogKind.RESOURCE, "docs", "docs://hr/x")).isEqualTo(labelled("internal"));
        assertThat(docs.labelsResourcesOf("docs")).isTrue();
        assertThat(docs.labelsResourcesOf("crm")).isFalse();
    }

    @Test
    void anUnclosedTemplateVariableIsRefusedNamingTheTemplate() {
        assertThatThrownBy(() -> new Catalog(
                        Map.of(new CatalogKey(CatalogKind.RESOURCE, "docs", "docs://{team"), labelled("internal")),
                        Set.of()))
                .hasMessageContaining("docs://{team")
                .hasMessageContaining("{name} or {+name}");
    }
}

package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.catalog.StoreBinding;
import dev.mandate.core.catalog.ToolHints;
import dev.mandate.core.flow.FlowLabels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class GatewayConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsUpstreamsAndTheCatalog() throws Exception {
        GatewayConfig config = GatewayConfig.fromTree(JSON.readTree("""
                        {"upstreams": {
                           "crm": {"url": "http://127.0.0.1:9000/mcp"},
                           "files": {"command": "npx", "args": ["srv", "/tmp"], "env": {"K": "v"}, "trusted": true}},
                         "catalog": {"tools": {"crm": {
                           "get": {"labels": "confidential,pii", "expose": ["id"]},
                           "mem": {"store": {"name": "memory", "key": "k", "access": "write"}}}},
                           "resources": {"crm": {"crm://x": {"labels": "restricted", "egress": true}}}}}
                        """), "gateway.yaml");

        assertThat(config.upstreams().get("crm")).isInstanceOf(UpstreamConfig.Http.class);
        assertThat(config.upstreams().get("files"))
                .isEqualTo(new UpstreamConfig.Stdio(
                        "files", "npx", java.util.List.of("srv", "/tmp"), java.util.Map.of("K", "v"), true));
        CatalogEntry get = config.catalog().tool("crm", "get", ToolHints.NONE);
        assertThat(get.output()).isEqualTo(FlowLabels.parse("confidential,pii"));
        assertThat(get.exposedArguments()).containsExactly("id");
        assertThat(config.catalog().tool("crm", "mem", ToolHints.NONE).store())
                .isEqualTo(new StoreBinding("memory", "k", StoreBinding.Access.WRITE));
        assertThat(config.catalog()
                        .entry(CatalogKind.RESOURCE, "crm", "crm://x")
                        .egress())
                .isTrue();
        assertThat(config.catalog().trusts("files")).isTrue();
        assertThat(GatewayConfig.fromTree(
                                JSON.readTree("{\"upstreams\":{\"a\":{\"command\":\"x\",\"client-requests\":true}}}"),
                                "gateway.yaml")
                        .upstreams()
                        .get("a"))
                .isEqualTo(
                        new UpstreamConfig.Stdio("a", "x", java.util.List.of(), java.util.Map.of(), false, null, true));
        assertThat(config.catalog().trusts("crm")).isFalse();
        assertThat(GatewayConfig.fromTree(null, "none")).isEqualTo(GatewayConfig.EMPTY);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"upstreams\":{\"x\":{\"url\":\"http://10.0.0.1/mcp\"}}}|loopback",
                "{\"upstreams\":{\"x\":{\"url\":\"http://127.0.0.1/mcp\",\"command\":\"a\"}}}|exactly one of url",
                "{\"upstreams\":{\"bad name\":{\"command\":\"a\"}}}|bad name",
                "{\"upstreams\":{\"x\":{\"command\":\"a\",\"trusted\":\"yes\"}}}|upstreams.x.trusted",
                "{\"upstreams\":{\"x\":{\"url\":\"http://127.0.0.1/mcp\",\"client-requests\":true}}}|upstreams.x.client-requests",
                "{\"upstreams\":{\"x\":{\"command\":\"a\",\"client-requests\":1}}}|upstreams.x.client-requests",
                "{\"upstream\":{}}|'upstream'",
                "{\"catalog\":{\"tools\":{\"crm\":{\"t\":{\"labels\":\"Secret\"}}}}}|catalog.tools.crm.t",
                "{\"catalog\":{\"tools\":{\"crm\":{\"t\":{\"egres\":true}}}}}|catalog.tools.crm.t.egres",
                "{\"catalog\":{\"tools\":{\"crm\":{\"t\":{\"store\":{\"name\":\"m\",\"access\":\"rw\"}}}}}}|'rw'"
            })
    void badConfigurationStopsStartUpNamingTheKey(String json, String named) {
        assertThatThrownBy(() -> GatewayConfig.fromTree(JSON.readTree(json), "gateway.yaml"))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining(named);
    }
}

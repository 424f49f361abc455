package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.SchemaType;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import dev.mandate.core.policy.ToolSignature;
import dev.mandate.gateway.policy.UpstreamTools;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class UpstreamToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpUpstream upstream;
    private McpGateway gateway;
    private UpstreamTools tools;
    private final LinkedBlockingQueue<List<String>> changes = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        upstream = new HttpUpstream();
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        GatewayConfig config = GatewayConfig.fromTree(JSON.readTree("""
                        {"upstreams": {
                           "crm": {"url": "%s"},
                           "dead": {"url": "http://127.0.0.1:%d/mcp"}},
                         "catalog": {
                           "tools": {"crm": {"send_email": {"labels": "internal", "egress": true}}},
                           "resources": {"crm": {"crm://customers/1": {"labels": "confidential,pii"}}},
                           "prompts": {"crm": {"summary": {"labels": "internal"}}}}}
                        """.formatted(upstream.url(), dead)), "test");
        tools = new UpstreamTools(config.catalog(), config.upstreams().keySet());
        tools.addListener(() -> changes.add(
                tools.signatures().stream().map(ToolSignature::action).toList()));
        gateway = McpGateway.builder()
                .settings(new GatewaySettings(
                        List.of(), 10, Duration.ofMinutes(5), 1 << 20, Duration.ofSeconds(10), "test"))
                .config(config)
                .tools(tools)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void theGatewayListsItsUpstreamsAtStartAndAnUnreachableOneStaysPending() throws Exception {
        List<String> first = changes.poll(20, TimeUnit.SECONDS);
        assertThat(first)
                .contains("crm.get_customer", "crm.send_email", "crm.echo", "crm://customers/1", "crm.summary");
        assertThat(tools.pendingServers()).containsExactly("dead");
        String schema = tools.policySchema().schema().toCedar();
        assertThat(schema).contains("\"crm.send_email\"").contains("\"egress\"");
        assertThat(tools.policySchema().pendingServers()).isEqualTo(Set.of("dead"));
    }

    @Test
    void aListChangedRegeneratesTheSignaturesWithTypedInput() throws Exception {
        assertThat(changes.poll(20, TimeUnit.SECONDS)).doesNotContain("crm.pay");
        assertThat(tools.inputType("crm.pay")).isNull();

        upstream.server()
                .addTool(McpServerFeatures.SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder()
                                .name("pay")
                                .description("pay")
                                .inputSchema(McpJsonDefaults.getMapper(), """
                                        {"type": "object",
                                         "properties": {"amount": {"type": "integer"}, "to": {"type": "string"}},
                                         "required": ["amount"]}
                                        """)
                                .build())
                        .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                                .addTextContent("paid")
                                .build())
                        .build());

        assertThat(changes.poll(20, TimeUnit.SECONDS)).contains("crm.pay");
        RecordType input = Objects.requireNonNull(tools.inputType("crm.pay"));
        assertThat(input.attributes())
                .containsEntry("amount", new Attribute(new SchemaType.LongType(), true))
                .containsEntry("to", new Attribute(new SchemaType.StringType(), false));
        assertThat(tools.policySchema().schema().toCedar())
                .contains("\"crm.pay\"")
                .contains("amount");
    }
}

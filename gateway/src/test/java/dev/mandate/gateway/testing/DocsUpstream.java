package dev.mandate.gateway.testing;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A document store as an upstream MCP server on 127.0.0.1 port 0: {@code search} answers with a link to every
 * document, the restricted one also embedded, and a structured list of them all; {@code export_all} dumps everything;
 * each document is a readable resource; the prompt {@code brief} links the salaries. Two instances serve the same
 * URIs; a copy's name, if given, prefixes the text its resources read as, so a test can tell which one answered, and
 * a copy may serve documents of its own besides, which its search links too.
 */
@SuppressWarnings("try") // close() may throw InterruptedException from Jetty's stop; tests just propagate it
public final class DocsUpstream implements AutoCloseable {
    public static final String HANDBOOK = "docs://eng/handbook";
    public static final String SALARIES = "docs://hr/salaries";
    public static final String LAYOFFS = "docs://restricted/plans/layoffs";
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final String OBJECT = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}}}";

    public final AtomicInteger calls = new AtomicInteger();
    public final AtomicInteger reads = new AtomicInteger();
    private final StreamableServer server;
    private final List<String> documents;

    public DocsUpstream() throws Exception {
        this("");
    }

    public DocsUpstream(String copy, String... own) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(HANDBOOK, SALARIES, LAYOFFS));
        all.addAll(List.of(own));
        documents = List.copyOf(all);
        server = StreamableServer.start(transport -> {
            McpServer.SyncSpecification<?> spec = McpServer.sync(transport)
                    .serverInfo("docs", "1.0")
                    .capabilities(McpSchema.ServerCapabilities.builder()
                            .tools(true)
                            .resources(false, false)
                            .prompts(false)
                            .build())
                    .tools(tool("search", this::search), tool("export_all", this::search))
                    .prompts(new McpServerFeatures.SyncPromptSpecification(
                            new McpSchema.Prompt("brief", "brief", List.of()),
                            (exchange, request) -> new McpSchema.GetPromptResult(
                                    "brief",
                                    List.of(new McpSchema.PromptMessage(
                                            McpSchema.Role.USER,
                                            McpSchema.ResourceLink.builder()
                                                    .uri(SALARIES)
                                                    .name(name(SALARIES))
                                                    .build())))));
            for (String uri : documents) {
                spec.resources(new McpServerFeatures.SyncResourceSpecification(
                        McpSchema.Resource.builder()
                                .uri(uri)
                                .name(name(uri))
                                .mimeType("text/plain")
                                .build(),
                        (exchange, request) -> {
                            reads.incrementAndGet();
                            return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                                    request.uri(), "text/plain", copy + "text of " + name(uri))));
                        }));
            }
            return spec.build();
        });
    }

    private McpSchema.CallToolResult search(Map<String, Object> arguments) {
        calls.incrementAndGet();
        McpSchema.CallToolResult.Builder result =
                McpSchema.CallToolResult.builder().addTextContent("3 documents match");
        for (String uri : documents) {
            result.addContent(
                    McpSchema.ResourceLink.builder().uri(uri).name(name(uri)).build());
        }
        result.addContent(new McpSchema.EmbeddedResource(
                null, new McpSchema.TextResourceContents(LAYOFFS, "text/plain", "text of layoffs")));
        result.structuredContent(Map.of(
                "hits",
                List.of(
                        Map.of("uri", HANDBOOK, "title", "handbook"),
                        Map.of("uri", SALARIES, "title", "salaries"),
                        Map.of("uri", LAYOFFS, "title", "layoffs"))));
        return result.build();
    }

    private static String name(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    private static McpServerFeatures.SyncToolSpecification tool(
            String name, java.util.function.Function<Map<String, Object>, McpSchema.CallToolResult> body) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder()
                        .name(name)
                        .description(name)
                        .inputSchema(JSON, OBJECT)
                        .build())
                .callHandler(
                        (exchange, request) -> body.apply(request.arguments() == null ? Map.of() : request.arguments()))
                .build();
    }

    public URI url() {
        return server.url();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}

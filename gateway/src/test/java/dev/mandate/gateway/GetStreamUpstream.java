package dev.mandate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An upstream MCP server speaking raw Streamable HTTP (Javalin on 127.0.0.1, port 0), for what the SDK servers do not
 * do: sending requests to the client on the session's GET stream, outside any call ({@link #ask}), and cancelling them
 * there ({@link #cancel}). Its tools: {@code noop}, and {@code link}, which links the URI it is given as a
 * {@code resource_link} and in its structured content. Given a resource template it serves resources by it (listing
 * none) and reads any URI as {@code "<name> <uri>"}. It records the notifications it hears and the responses the
 * client sends.
 */
final class GetStreamUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String END = "";

    /** Counted down when a GET stream opens. */
    final CountDownLatch listening = new CountDownLatch(1);

    /** The client's responses to the server's requests, as they arrive. */
    final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();

    /** The methods of the notifications the client sent, as they arrive. */
    final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

    private final BlockingQueue<String> outbound = new LinkedBlockingQueue<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final Javalin web;

    private final String name;
    private final @Nullable String template;

    GetStreamUpstream() {
        this("get-stream", null);
    }

    /** A server that also serves resources by this URI template, if not null. */
    GetStreamUpstream(String name, @Nullable String template) {
        this.name = name;
        this.template = template;
        web = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.concurrency.useVirtualThreads = true;
                    cfg.routes.post("/mcp", this::post);
                    cfg.routes.get("/mcp", this::get);
                    cfg.routes.delete("/mcp", ctx -> ctx.status(200));
                })
                .start("127.0.0.1", 0);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + web.port() + "/mcp");
    }

    /** Sends a request to the client on the GET stream. */
    void ask(String id, String method) {
        outbound.add("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"params\":{}}");
    }

    /** Cancels a request sent with {@link #ask}, on the GET stream. */
    void cancel(String id, String reason) {
        outbound.add("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"" + id
                + "\",\"reason\":\"" + reason + "\"}}");
    }

    /** The next response of the client, waiting at most 30 s. */
    JsonNode answer() throws InterruptedException {
        JsonNode answer = answers.poll(30, TimeUnit.SECONDS);
        if (answer == null) {
            throw new AssertionError("the client sent no response");
        }
        return answer;
    }

    /** Waits at most 30 s for the client to send a notification of this method. */
    void awaitHeard(String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String next = heard.poll(30, TimeUnit.SECONDS);
                next != null;
                next = heard.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            if (next.equals(method)) {
                return;
            }
        }
        throw new AssertionError("the client sent no " + method);
    }

    private void post(Context ctx) throws IOException {
        JsonNode message = JSON.readTree(ctx.body());
        String method = message.path("method").asText("");
        JsonNode id = message.get("id");
        if (method.isEmpty()) {
            answers.add(message);
            ctx.status(202);
            return;
        }
        if (id == null) {
            heard.add(method);
            ctx.status(202);
            return;
        }
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        switch (method) {
            case "initialize" -> {
                ObjectNode result = response.putObject("result");
                result.put("protocolVersion", "2025-06-18");
                ObjectNode capabilities = result.putObject("capabilities");
                capabilities.putObject("tools");
                if (template != null) {
                    capabilities.putObject("resources");
                }
                result.putObject("serverInfo").put("name", "get-stream").put("version", "1");
                ctx.header("Mcp-Session-Id", "s-" + sessions.incrementAndGet());
            }
            case "tools/list" -> {
                ArrayNode tools = response.putObject("result").putArray("tools");
                for (String tool : List.of("noop", "link")) {
                    tools.addObject().put("name", tool).putObject("inputSchema").put("type", "object");
                }
            }
            case "tools/call" -> {
                ObjectNode result = response.putObject("result");
                String uri =
                        message.path("params").path("arguments").path("uri").asText("");
                if (uri.isEmpty()) {
                    result.putArray("content").addObject().put("type", "text").put("text", "ok");
                } else {
                    result.putArray("content")
                            .addObject()
                            .put("type", "resource_link")
                            .put("uri", uri)
                            .put("name", "linked");
                    result.putObject("structuredContent").putObject("doc").put("uri", uri);
                }
            }
            case "resources/list" -> response.putObject("result").putArray("resources");
            case "resources/templates/list" -> {
                ArrayNode templates = response.putObject("result").putArray("resourceTemplates");
                if (template != null) {
                    templates.addObject().put("uriTemplate", template).put("name", "docs");
                }
            }
            case "resources/read" -> {
                String uri = message.path("params").path("uri").asText();
                response.putObject("result")
                        .putArray("contents")
                        .addObject()
                        .put("uri", uri)
                        .put("mimeType", "text/plain")
                        .put("text", name + " " + uri);
            }
            default -> response.putObject("error").put("code", -32601).put("message", "no " + method);
        }
        ctx.contentType("application/json").result(response.toString());
    }

    private void get(Context ctx) throws IOException, InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        OutputStream out = ctx.res().getOutputStream();
        out.write(": open\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        listening.countDown();
        for (String message = outbound.take(); !message.equals(END); message = outbound.take()) {
            out.write(("event: message\ndata: " + message + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() {
        outbound.add(END);
        web.stop();
    }
}

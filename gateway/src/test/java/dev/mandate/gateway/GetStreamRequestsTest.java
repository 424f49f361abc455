package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.RevocationBackoff;
import dev.mandate.core.testing.InMemoryLeaseStore;
import dev.mandate.gateway.credential.LeaseInjector;
import io.javalin.Javalin;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests an HTTP upstream sends on its session's GET stream, which belong to no call: on a mandate's own connection
 * (an upstream with a credential) they reach that mandate's agent on its GET stream, and so does the upstream's
 * cancellation of one; the agent's {@code roots/list_changed} reaches that connection; on the connection shared by all
 * agents they are refused saying why. Real peers: a raw Streamable HTTP upstream, an agent speaking raw HTTP.
 */
// A GET stream is read until the expected message: a regression would hang the read, so it is bounded here.
@Timeout(120)
final class GetStreamRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-25T01:00:00Z");
    private static final String CAPABILITIES = "{\"roots\":{\"listChanged\":true},\"sampling\":{}}";

    private final InstantSource clock = () -> START;
    private final Recorders.Audit audit = new Recorders.Audit();
    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final LeaseFixtures.Expiries expiries = new LeaseFixtures.Expiries(START);
    private final LeaseInjector injector = new LeaseInjector(
            new LeaseManager(
                    new InMemoryLeaseStore(),
                    List.of(new LeaseFixtures.Tokens()),
                    audit,
                    clock,
                    RevocationBackoff.DEFAULT),
            expiries,
            clock);
    private final GetStreamUpstream upstream = new GetStreamUpstream();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        upstream.close();
    }

    /** A gateway in front of the upstream, with or without a credential; the URL of its MCP endpoint. */
    private String gateway(boolean credential) {
        ObjectNode config = JSON.createObjectNode();
        ObjectNode crm = config.putObject("upstreams")
                .putObject("crm")
                .put("url", upstream.url().toString());
        if (credential) {
            crm.putObject("credential").put("backend", "tickets").put("scope", "read");
        }
        McpGateway gateway = McpGateway.builder()
                .settings(GatewaySettings.defaults("test"))
                .config(GatewayConfig.fromTree(config, "test"))
                .authenticator(tokens)
                .decider(new Recorders.Decider())
                .audit(audit)
                .clock(clock)
                .credentials(injector)
                .build();
        open.add(gateway);
        Javalin web = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.concurrency.useVirtualThreads = true;
                    gateway.register(cfg.routes);
                })
                .start("127.0.0.1", 0);
        open.add(web::stop);
        tokens.add("m-a", Recorders.fresh());
        expiries.expiry.put("m-a", START.plusSeconds(3600));
        return "http://127.0.0.1:" + web.port() + "/mcp";
    }

    @Test
    void onAMandatesOwnConnectionTheyReachThatMandatesGetStreamAndSoDoesTheirCancellation() throws Exception {
        RawAgent a = new RawAgent(gateway(true), "token-m-a", CAPABILITIES);
        try (RawAgent.Events stream = a.listen()) {
            noop(a); // connects m-a's own session, which opens its GET stream
            upstream.listening.await();

            upstream.ask("u-1", "roots/list");
            JsonNode asked = next(stream);
            assertThat(asked.path("method").asText()).as(asked.toString()).isEqualTo("roots/list");
            a.post("""
                    {"jsonrpc":"2.0","id":"%s","result":{"roots":[{"uri":"file:///A"}]}}""".formatted(asked.path("id").asText()));
            JsonNode answer = upstream.answer();
            assertThat(answer.path("id").asText()).isEqualTo("u-1");
            assertThat(answer.path("result").path("roots").get(0).path("uri").asText())
                    .as(answer.toString())
                    .isEqualTo("file:///A");

            a.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
            upstream.awaitHeard("notifications/roots/list_changed");

            upstream.ask("u-2", "sampling/createMessage");
            String agentSideId = next(stream).path("id").asText();
            upstream.cancel("u-2", "changed my mind");
            JsonNode cancelled = next(stream);
            assertThat(cancelled.path("method").asText())
                    .as(cancelled.toString())
                    .isEqualTo("notifications/cancelled");
            assertThat(cancelled.path("params").path("requestId").asText()).isEqualTo(agentSideId);
            assertThat(cancelled.path("params").path("reason").asText())
                    .isEqualTo("upstream 'crm' cancelled the request: changed my mind");
        }
        AuditEntry withdrawn =
                audit.await(e -> "upstream-cancelled".equals(e.details().get("outcome")));
        assertThat(withdrawn.subject()).isEqualTo("m-a");
        assertThat(audit.entries)
                .filteredOn(e -> e.type().equals("gateway.client-request"))
                .extracting(e -> e.subject() + " " + e.details().get("method") + " "
                        + e.details().get("outcome"))
                .containsExactly("m-a roots/list answered", "m-a sampling/createMessage upstream-cancelled");
        assertThat(upstream.answers).isEmpty(); // the cancelled request got no answer
    }

    @Test
    void onTheConnectionSharedByAllAgentsTheyAreRefusedSayingWhy() throws Exception {
        RawAgent a = new RawAgent(gateway(false), "token-m-a", CAPABILITIES);
        // An open GET stream of the agent does not make a shared connection's request its own.
        try (RawAgent.Events stream = a.listen()) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            noop(a);
            upstream.listening.await();

            upstream.ask("u-1", "roots/list");

            JsonNode answer = upstream.answer();
            assertThat(answer.path("error").path("code").asInt())
                    .as(answer.toString())
                    .isEqualTo(-32601);
            assertThat(answer.path("error").path("message").asText())
                    .isEqualTo("upstream 'crm' sent roots/list on its one connection, shared by all agents, and not on"
                            + " the stream of a call: nothing ties it to one agent, so it is refused");
        }
        AuditEntry refused = audit.await(e -> e.type().equals("gateway.client-request"));
        assertThat(refused.subject()).isEqualTo("upstream:crm");
        assertThat(refused.details()).containsEntry("outcome", "no-agent");
    }

    private static void noop(RawAgent agent) throws Exception {
        JsonNode answer = JSON.readTree(agent.post("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"crm.noop","arguments":{}}}"""));
        assertThat(answer.path("result").path("content").path(0).path("text").asText())
                .as(answer.toString())
                .isEqualTo("ok");
    }

    private static JsonNode next(RawAgent.Events stream) throws java.io.IOException {
        return Objects.requireNonNull(stream.next(), "the GET stream ended");
    }
}

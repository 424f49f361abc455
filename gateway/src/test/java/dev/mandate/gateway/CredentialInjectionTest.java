package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.credential.RevocationBackoff;
import dev.mandate.core.testing.InMemoryLeaseStore;
import dev.mandate.gateway.credential.LeaseInjector;
import io.javalin.Javalin;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Just-in-time credentials through a real gateway: an agent calls over Streamable HTTP with its mandate token, the
 * gateway gets a lease per mandate from the lease manager and injects it into the upstream request (a header for an
 * HTTP upstream, the environment of a per-mandate process for a stdio upstream). The upstream sees the credential, the
 * agent's token never; no credential means no upstream call.
 */
final class CredentialInjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-25T01:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final InstantSource clock = now::get;
    private final Recorders.Audit audit = new Recorders.Audit();
    private final LeaseFixtures.Tokens backend = new LeaseFixtures.Tokens();
    private final LeaseManager leases =
            new LeaseManager(new InMemoryLeaseStore(), List.of(backend), audit, clock, RevocationBackoff.DEFAULT);
    private final Recorders.Tokens tokens = new Recorders.Tokens();
    private final LeaseFixtures.Expiries expiries = new LeaseFixtures.Expiries(START);
    private final LeaseInjector injector = new LeaseInjector(leases, expiries, clock);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private McpGateway gateway(ObjectNode config) {
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
        return gateway;
    }

    private McpSyncClient agent(McpGateway gateway, String mandateId) {
        Javalin web = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    gateway.register(cfg.routes);
                })
                .start("127.0.0.1", 0);
        open.add(web::stop);
        tokens.add(mandateId, Recorders.fresh());
        expiries.expiry.put(mandateId, START.plus(Duration.ofHours(1)));
        McpSyncClient agent =
                TestGateway.sdkAgent("http://127.0.0.1:" + web.port(), mandateId, Duration.ofSeconds(30), spec -> spec);
        open.add(agent::closeGracefully);
        agent.initialize();
        return agent;
    }

    private static ObjectNode httpUpstream(HeaderRecordingUpstream upstream, ObjectNode credential) {
        ObjectNode config = JSON.createObjectNode();
        ObjectNode crm = config.putObject("upstreams").putObject("crm");
        crm.put("url", upstream.url().toString());
        crm.set("credential", credential);
        return config;
    }

    private static ObjectNode credential(String backend, String scope) {
        return JSON.createObjectNode().put("backend", backend).put("scope", scope);
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static McpSchema.CallToolRequest getCustomer() {
        return new McpSchema.CallToolRequest("crm.get_customer", Map.of("customerId", "7"));
    }

    private List<Lease> leasesOf(String mandateId) {
        return leases.list(new LeaseQuery(mandateId, null, null, null, 100));
    }

    @Test
    void theUpstreamSeesEachMandatesOwnLeaseAndNeverTheAgentsToken() throws Exception {
        HeaderRecordingUpstream upstream = new HeaderRecordingUpstream();
        open.add(upstream);
        upstream.accepts = header -> header.startsWith("Bearer ") && backend.valid(header.substring(7));
        McpGateway gateway = gateway(httpUpstream(upstream, credential("tickets", "read")));

        McpSyncClient first = agent(gateway, "m1");
        McpSyncClient second = agent(gateway, "m2");
        assertThat(text(first.callTool(getCustomer()))).isEqualTo("customer 7");
        assertThat(text(second.callTool(getCustomer()))).isEqualTo("customer 7");
        assertThat(text(first.callTool(getCustomer()))).isEqualTo("customer 7");

        String lease1 = leasesOf("m1").get(0).id();
        String lease2 = leasesOf("m2").get(0).id();
        assertThat(leasesOf("m1")).hasSize(1); // reused, not one per call
        assertThat(upstream.authorizations)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h).isIn("Bearer tok-" + lease1, "Bearer tok-" + lease2))
                .contains("Bearer tok-" + lease1, "Bearer tok-" + lease2)
                .doesNotContain("Bearer token-m1", "Bearer token-m2", "(none)");
        List<AuditEntry> uses = audit.entries.stream()
                .filter(e -> e.type().equals("lease.used"))
                .toList();
        assertThat(uses).isNotEmpty().allSatisfy(e -> assertThat(e.toString()).doesNotContain("tok-"));
        assertThat(uses.stream().map(e -> e.details().get("mandate"))).contains("m1", "m2");
        assertThat(audit.entries.stream().filter(e -> e.type().equals("lease.issued")))
                .hasSize(2);
    }

    @Test
    void aCustomHeaderAndBasicTemplateAreRendered() throws Exception {
        HeaderRecordingUpstream upstream = new HeaderRecordingUpstream();
        open.add(upstream);
        ObjectNode credential =
                credential("tickets", "read").put("header", "Authorization").put("value", "Basic {basic}");
        McpGateway gateway = gateway(httpUpstream(upstream, credential));

        agent(gateway, "m1").callTool(getCustomer());

        String lease = leasesOf("m1").get(0).id();
        String basic = java.util.Base64.getEncoder()
                .encodeToString(("u-" + lease + ":tok-" + lease).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(upstream.authorizations)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h).isEqualTo("Basic " + basic));
    }

    @Test
    void aLeaseIsRenewedBeforeItExpiresAndReplacedWhenItCannotBe() throws Exception {
        HeaderRecordingUpstream upstream = new HeaderRecordingUpstream();
        open.add(upstream);
        McpGateway gateway = gateway(httpUpstream(upstream, credential("tickets", "read")));
        McpSyncClient agent = agent(gateway, "m1");
        agent.callTool(getCustomer());
        Lease issued = leasesOf("m1").get(0);

        now.set(START.plus(Duration.ofMinutes(4))); // a fifth of the 5-minute TTL left
        agent.callTool(getCustomer());

        Lease renewed = leases.find(issued.id()).orElseThrow();
        assertThat(renewed.expires()).isEqualTo(START.plus(Duration.ofMinutes(9)));
        assertThat(audit.entries).anySatisfy(e -> assertThat(e.type()).isEqualTo("lease.renewed"));

        expiries.expiry.put("m1", START.plus(Duration.ofMinutes(30)));
        leases.revoke(issued.id(), "test", "revoked behind the gateway's back");
        agent.callTool(getCustomer());

        List<Lease> all = leasesOf("m1");
        assertThat(all).hasSize(2);
        Lease replacement = all.stream()
                .filter(l -> l.state() == LeaseState.ACTIVE)
                .findFirst()
                .orElseThrow();
        assertThat(upstream.authorizations.get(upstream.authorizations.size() - 1))
                .isEqualTo("Bearer tok-" + replacement.id());
        assertThat(replacement.expires()).isBeforeOrEqualTo(START.plus(Duration.ofMinutes(30)));
    }

    @Test
    void anEndedMandatesConnectionClosesAndItsLeaseIsRevoked() throws Exception {
        HeaderRecordingUpstream upstream = new HeaderRecordingUpstream();
        open.add(upstream);
        upstream.accepts = header -> header.startsWith("Bearer ") && backend.valid(header.substring(7));
        McpGateway gateway = gateway(httpUpstream(upstream, credential("tickets", "read")));
        McpSyncClient agent = agent(gateway, "m1");
        agent.callTool(getCustomer());
        String lease = leasesOf("m1").get(0).id();

        // What the mandate registry does when a mandate ends: every listener hears of it.
        leases.mandateEnded("m1", "closed");
        injector.mandateEnded("m1", "closed");
        gateway.mandateEnded("m1", "closed");

        assertThat(leases.find(lease).orElseThrow().state()).isEqualTo(LeaseState.REVOKED);
        assertThat(backend.valid("tok-" + lease)).isFalse();
        assertThat(injector.heldCount()).isZero();
    }

    @Test
    void whenTheBackendIsDownTheCallFailsClosedNamingItAndTheUpstreamIsNeverCalled() throws Exception {
        HeaderRecordingUpstream upstream = new HeaderRecordingUpstream();
        open.add(upstream);
        backend.down = true;
        McpGateway gateway = gateway(httpUpstream(upstream, credential("tickets", "read")));
        McpSyncClient agent = agent(gateway, "m1");

        assertThatThrownBy(() -> agent.callTool(getCustomer()))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("backend 'tickets'")
                .hasMessageContaining("unavailable")
                .hasMessageContaining("not called");

        assertThat(upstream.authorizations).isEmpty();
        assertThat(upstream.tools.calls.get()).isZero();
        assertThat(leasesOf("m1"))
                .allSatisfy(l -> assertThat(l.state().isLive()).isFalse());
    }

    @Test
    void anUnknownBackendOrScopeStopsStartUpNamingTheKey() throws Exception {
        HeaderRecordingUpstream upstream = new HeaderRecordingUpstream();
        open.add(upstream);

        assertThatThrownBy(() -> gateway(httpUpstream(upstream, credential("vault", "read"))))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("upstreams.crm.credential")
                .hasMessageContaining("vault");
        assertThatThrownBy(() -> gateway(httpUpstream(upstream, credential("tickets", "admin"))))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("upstreams.crm.credential")
                .hasMessageContaining("admin");
        assertThatThrownBy(() -> McpGateway.builder()
                        .config(GatewayConfig.fromTree(httpUpstream(upstream, credential("tickets", "read")), "test"))
                        .build())
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("upstreams.crm.credential");
    }

    @Test
    void aStdioUpstreamRunsOneProcessPerMandateWithItsCredentialInTheEnvironment() throws Exception {
        ObjectNode config = JSON.createObjectNode();
        ObjectNode files = config.putObject("upstreams").putObject("files");
        files.put(
                "command",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        files.putArray("args")
                .add("-cp")
                .add(System.getProperty("java.class.path"))
                .add(EnvToolServer.class.getName());
        ObjectNode credential =
                files.putObject("credential").put("backend", "tickets").put("scope", "read");
        credential.putObject("env").put("API_TOKEN", "{secret}").put("API_USER", "{username}");
        credential.put("max-processes", 2);
        McpGateway gateway = gateway(config);

        McpSyncClient first = agent(gateway, "m1");
        McpSyncClient second = agent(gateway, "m2");
        String[] one = text(first.callTool(new McpSchema.CallToolRequest("files.whoami", Map.of())))
                .split(" ");
        String[] two = text(second.callTool(new McpSchema.CallToolRequest("files.whoami", Map.of())))
                .split(" ");

        String lease1 = leasesOf("m1").get(0).id();
        String lease2 = leasesOf("m2").get(0).id();
        assertThat(one[0]).isEqualTo("u-" + lease1);
        assertThat(one[1]).isEqualTo("tok-" + lease1);
        assertThat(two[1]).isEqualTo("tok-" + lease2);
        assertThat(one[2]).isNotEqualTo(two[2]); // two processes

        McpSyncClient third = agent(gateway, "m3");
        assertThatThrownBy(() -> third.callTool(new McpSchema.CallToolRequest("files.whoami", Map.of())))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("upstreams.files.credential.max-processes");

        long pid = Long.parseLong(one[2]);
        leases.mandateEnded("m1", "closed");
        gateway.mandateEnded("m1", "closed");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("the ended mandate's process is stopped")
                .isFalse();
        assertThat(backend.valid("tok-" + lease1)).isFalse();
        String[] three = text(third.callTool(new McpSchema.CallToolRequest("files.whoami", Map.of())))
                .split(" ");
        assertThat(three[1]).isEqualTo("tok-" + leasesOf("m3").get(0).id());
    }
}

package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.gateway.testing.DocsUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data path through a real node: a mandate opened on behalf of a person with a real OIDC ID token gets only what
 * that person is cleared for (scenario 5); flow labels survive a restart, so an egress forbid still holds after it;
 * {@code POST /v1/authorize} looks a mandate up by id and types arguments from the tool's {@code inputSchema}.
 */
final class DataPathEndToEndTest {
    private static final String ISSUER = "https://idp.example.com";
    private static final String POLICIES = """
            @id("support-calls")
            permit (principal, action in Action::"call_tool", resource)
            when { context.mandate.purpose == "support" };

            @id("no-egress-after-pii")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") };
            """;

    @TempDir
    Path tmp;

    private final ECKey idp = idpKey();
    private final List<McpSyncClient> clients = new ArrayList<>();
    private DocsUpstream docs;
    private SampleCrmUpstream crm;
    private Path gatewayFile;
    private Path jwks;

    private static ECKey idpKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void start() throws Exception {
        docs = new DocsUpstream();
        crm = new SampleCrmUpstream();
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("policies"));
        Files.writeString(data.resolve("policies/support.cedar"), POLICIES);
        gatewayFile = Files.writeString(tmp.resolve("gateway.yaml"), """
                upstreams:
                  docs: { url: "%s" }
                  crm: { url: "%s" }
                catalog:
                  tools:
                    docs:
                      search: { labels: "internal" }
                      export_all: { labels: "restricted" }
                    crm:
                      get_customer: { labels: "confidential,pii" }
                      send_email: { labels: "internal", egress: true }
                  resources:
                    docs:
                      "docs://{team}/{doc}": { labels: "internal" }
                      "docs://hr/{doc}": { labels: "confidential,pii" }
                      "docs://restricted/{+path}": { labels: "restricted" }
                """.formatted(docs.url(), crm.url()));
        jwks = Files.writeString(tmp.resolve("idp.json"), new JWKSet(idp.toPublicJWK()).toString(true));
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(McpSyncClient::closeGracefully);
        docs.close();
        crm.close();
    }

    private MandateNode node() {
        return MandateNode.start(NodeTesting.config(
                tmp.resolve("data"),
                Map.of(
                        ConfigKey.GATEWAY_CONFIG,
                        gatewayFile.toString(),
                        ConfigKey.OIDC_ISSUER,
                        ISSUER,
                        ConfigKey.OIDC_JWKS_FILE,
                        jwks.toString(),
                        ConfigKey.OIDC_AUDIENCE,
                        "mandate-test",
                        // A stable issuer, as in production: tokens issued before a restart still verify after it.
                        ConfigKey.OAUTH_ISSUER,
                        "https://mandate.test")));
    }

    private String idToken(String subject, String clearance) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience("mandate-test")
                .issueTime(Date.from(Instant.now()))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                .claim("clearance", clearance)
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(idp.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(idp));
        return jwt.serialize();
    }

    /** Registers support-bot once and opens a mandate for it; returns {token, mandate id}. */
    private String[] open(MandateNode node, Map<String, Object> extra) throws Exception {
        NodeTesting.Answer agents = NodeTesting.admin(node, "GET", "/v1/agents", null);
        if (!agents.raw().contains("support-bot")) {
            NodeTesting.registerAgent(node, "support-bot", "team-support", "copilot", "support");
        }
        Map<String, Object> body = new java.util.HashMap<>(Map.of(
                "agent",
                "support-bot",
                "purpose",
                "support",
                "tools",
                List.of("docs.search", "docs.export_all", "crm.get_customer", "crm.send_email")));
        body.putAll(extra);
        NodeTesting.Answer issued = NodeTesting.admin(node, "POST", "/v1/tokens", body);
        assertThat(issued.status()).as(issued.raw()).isEqualTo(201);
        return new String[] {
            issued.body().get("access_token").asText(),
            issued.body().get("mandate_id").asText()
        };
    }

    private McpSyncClient agent(MandateNode node, String token) {
        McpSyncClient client = NodeTesting.mcpClient(node, token, Duration.ofSeconds(20));
        client.initialize();
        clients.add(client);
        return client;
    }

    private static NodeTesting.Answer authorize(MandateNode node, Map<String, Object> body) throws Exception {
        return NodeTesting.admin(node, "POST", "/v1/authorize", body);
    }

    @Test
    void aSearchOnBehalfOfAliceWithholdsTheRestrictedDocumentAndAuthorizeSeesTheMandateById() throws Exception {
        try (MandateNode node = node()) {
            String[] m = open(node, Map.of("on_behalf_of", idToken("alice", "confidential")));
            McpSyncClient agent = agent(node, m[0]);

            assertThat(agent.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("docs.search", "crm.get_customer")
                    .doesNotContain("docs.export_all");
            McpSchema.CallToolResult found =
                    agent.callTool(new McpSchema.CallToolRequest("docs.search", Map.of("query", "plans")));
            List<String> uris = found.content().stream()
                    .map(c -> c instanceof McpSchema.ResourceLink l
                            ? l.uri()
                            : c instanceof McpSchema.EmbeddedResource e
                                    ? e.resource().uri()
                                    : "text")
                    .toList();
            assertThat(uris).containsExactly("text", DocsUpstream.HANDBOOK, DocsUpstream.SALARIES);
            assertThatThrownBy(() -> agent.callTool(new McpSchema.CallToolRequest("docs.export_all", Map.of())))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(e.getJsonRpcError().code()).isEqualTo(-32011);
                        assertThat(e.getMessage()).contains("restricted").contains("confidential");
                    });

            JsonNode mandate =
                    NodeTesting.admin(node, "GET", "/v1/mandates/" + m[1], null).body();
            assertThat(mandate.get("clearance").asText()).isEqualTo("confidential");
            assertThat(mandate.get("onBehalfOf").asText()).isEqualTo(ISSUER + "#alice");
            // The salaries document passed and carried pii into the flow; the withheld one added nothing.
            assertThat(mandate.get("flowLabels").toString()).contains("pii").doesNotContain("restricted");
            JsonNode audit =
                    NodeTesting.admin(node, "GET", "/v1/audit?limit=100", null).body();
            assertThat(audit.toString()).contains("\"withheldUris\":\"" + DocsUpstream.LAYOFFS + "\"");

            NodeTesting.Answer egress = authorize(node, Map.of("tool", "crm.send_email", "mandateId", m[1]));
            assertThat(egress.status()).as(egress.raw()).isEqualTo(200);
            assertThat(egress.body().get("decision").asText()).isEqualTo("deny");
            assertThat(egress.raw()).contains("no-egress-after-pii");
            NodeTesting.Answer above = authorize(node, Map.of("tool", "docs.export_all", "mandateId", m[1]));
            assertThat(above.body().get("decision").asText()).isEqualTo("deny");
            assertThat(above.raw()).contains("above the clearance 'confidential'");
            NodeTesting.Answer search = authorize(
                    node, Map.of("tool", "docs.search", "mandateId", m[1], "arguments", Map.of("query", "x")));
            assertThat(search.body().get("decision").asText()).as(search.raw()).isEqualTo("allow");

            NodeTesting.Answer wrongType =
                    authorize(node, Map.of("tool", "docs.search", "mandateId", m[1], "arguments", Map.of("query", 42)));
            assertThat(wrongType.status()).isEqualTo(400);
            assertThat(wrongType.raw()).contains("arguments.query = 42").contains("String");
            NodeTesting.Answer unknown = authorize(node, Map.of("tool", "docs.search", "mandateId", "mdt_nope"));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.raw()).contains("mdt_nope");
            NodeTesting.Answer badId = authorize(node, Map.of("tool", "docs.search", "mandateId", 7));
            assertThat(badId.status()).isEqualTo(400);
            assertThat(badId.raw()).contains("mandateId");
            NodeTesting.Answer badArguments =
                    authorize(node, Map.of("tool", "docs.search", "mandateId", m[1], "arguments", List.of(1)));
            assertThat(badArguments.status()).isEqualTo(400);
            assertThat(badArguments.raw()).contains("'arguments' must be a JSON object");
            NodeTesting.Answer badFlow =
                    authorize(node, Map.of("tool", "docs.search", "mandateId", m[1], "flow", "secret,,pii"));
            assertThat(badFlow.status()).isEqualTo(400);
            assertThat(badFlow.raw()).contains("secret,,pii");

            NodeTesting.Answer revoked =
                    NodeTesting.admin(node, "POST", "/v1/mandates/" + m[1] + "/revoke", Map.of("reason", "done"));
            assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
            NodeTesting.Answer dead = authorize(node, Map.of("tool", "docs.search", "mandateId", m[1]));
            assertThat(dead.body().get("decision").asText()).isEqualTo("deny");
            assertThat(dead.raw()).contains("not live: revoked");
        }
    }

    @Test
    void aPersonWhoseClearanceClaimIsNoSensitivityIsTreatedAsPublicAndSeesNoInternalTool() throws Exception {
        try (MandateNode node = node()) {
            String[] m = open(node, Map.of("on_behalf_of", idToken("guest", "top-secret")));
            McpSyncClient agent = agent(node, m[0]);

            assertThat(agent.listTools().tools()).isEmpty();
            assertThat(NodeTesting.admin(node, "GET", "/v1/mandates/" + m[1], null)
                            .body()
                            .get("clearance")
                            .asText())
                    .isEqualTo("public");
        }
    }

    @Test
    void flowLabelsSurviveARestartSoTheEgressForbidStillHolds() throws Exception {
        String[] m;
        try (MandateNode node = node()) {
            m = open(node, Map.of());
            McpSyncClient agent = agent(node, m[0]);
            agent.callTool(new McpSchema.CallToolRequest("crm.get_customer", Map.of("customerId", "1")));
            agent.closeGracefully();
            clients.remove(agent);
        }

        try (MandateNode node = node()) {
            assertThat(NodeTesting.admin(node, "GET", "/v1/mandates/" + m[1], null)
                            .body()
                            .get("flowLabels")
                            .toString())
                    .contains("pii")
                    .contains("confidential");
            McpSyncClient agent = agent(node, m[0]);
            assertThatThrownBy(() -> agent.callTool(
                            new McpSchema.CallToolRequest("crm.send_email", Map.of("to", "x@example.org"))))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(e.getJsonRpcError().code()).isEqualTo(-32003);
                        assertThat(e.getMessage()).contains("no-egress-after-pii");
                    });
            NodeTesting.Answer decided = authorize(node, Map.of("tool", "crm.send_email", "mandateId", m[1]));
            assertThat(decided.body().get("decision").asText()).isEqualTo("deny");
        }
    }
}

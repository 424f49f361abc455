package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.core.identity.Pem;
import dev.mandate.core.identity.TrustBundle;
import dev.mandate.core.identity.VerifiedWorkload;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real nodes (HTTP on 127.0.0.1) sharing one PostgreSQL database, as two replicas behind a load balancer: a
 * mandate token issued by one is accepted by the other, and a revocation or kill switch pulled on one is in force on
 * the other, and so is what a mandate has read: data read through one node forbids egress through the other.
 */
final class ReplicaNodesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static @Nullable EmbeddedPostgres postgres;

    @TempDir
    Path tmp;

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static synchronized String postgresUrl(String database) throws Exception {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().start();
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        return postgres.getJdbcUrl("postgres", database);
    }

    /**
     * The settings two replicas share: one PostgreSQL database (created here), one issuer behind the load balancer,
     * and a replica poll fast enough for a test.
     */
    private static Map<ConfigKey, String> replicaConfig(String database) throws Exception {
        Map<ConfigKey, String> config = new EnumMap<>(ConfigKey.class);
        config.put(ConfigKey.STORE_URL, postgresUrl(database));
        config.put(ConfigKey.STORE_USER, "postgres");
        config.put(ConfigKey.OAUTH_ISSUER, "https://mandate.example"); // one issuer behind the load balancer
        config.put(ConfigKey.STORE_REPLICAS_POLL_INTERVAL, "200ms");
        config.put(ConfigKey.STORE_REPLICAS_STALENESS_BOUND, "2s");
        return config;
    }

    private static boolean active(MandateNode node, String token) throws Exception {
        NodeTesting.Answer a = OAuthFlowTest.post(
                node,
                "/oauth2/introspect",
                OAuthFlowTest.form(Map.of("token", token)),
                Map.of("Authorization", "Bearer " + NodeTesting.adminToken(node)));
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return a.body().get("active").asBoolean();
    }

    private static JsonNode token(MandateNode node, String agent) throws Exception {
        NodeTesting.Answer t =
                NodeTesting.admin(node, "POST", "/v1/tokens", Map.of("agent", agent, "purpose", "support"));
        assertThat(t.status()).as(t.raw()).isEqualTo(201);
        return t.body();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void aRevocationOrKillSwitchOnOneNodeIsInForceOnTheOther() throws Exception {
        Map<ConfigKey, String> store = replicaConfig("mandate_replicas");
        try (MandateNode a = MandateNode.start(NodeTesting.config(tmp.resolve("a"), store));
                MandateNode b = MandateNode.start(NodeTesting.config(tmp.resolve("b"), store))) {
            NodeTesting.registerAgent(a, "bot", "team-support", "copilot", "support");
            JsonNode first = token(a, "bot");
            JsonNode second = token(a, "bot");
            String firstToken = first.get("access_token").asText();
            String secondToken = second.get("access_token").asText();

            assertThat(active(b, firstToken)).as("issued by A, checked on B").isTrue();
            assertThat(NodeTesting.call(b, "GET", "/readyz", null, null).status())
                    .isEqualTo(200);

            NodeTesting.Answer revoked = NodeTesting.admin(
                    a, "POST", "/v1/mandates/" + first.get("mandate_id").asText() + "/revoke", Map.of());
            assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
            await("B refuses the mandate revoked on A", () -> !active(b, firstToken));
            assertThat(active(b, secondToken)).isTrue();

            NodeTesting.Answer killed = NodeTesting.admin(a, "POST", "/v1/agents/bot/revoke", Map.of());
            assertThat(killed.status()).as(killed.raw()).isEqualTo(200);
            await("B refuses the agent's other mandate", () -> !active(b, secondToken));
            NodeTesting.Answer refused =
                    NodeTesting.admin(b, "POST", "/v1/tokens", Map.of("agent", "bot", "purpose", "support"));
            assertThat(refused.status()).as(refused.raw()).isBetween(400, 499);
        }
    }

    @Test
    void aSigningKeyRotatedOnOneNodeSignsAndIsPublishedOnTheOtherWithoutARestart() throws Exception {
        Map<ConfigKey, String> store = replicaConfig("mandate_replica_keys");
        try (MandateNode a = MandateNode.start(NodeTesting.config(tmp.resolve("a"), store));
                MandateNode b = MandateNode.start(NodeTesting.config(tmp.resolve("b"), store))) {
            NodeTesting.registerAgent(a, "bot", "team-support", "copilot", "support");

            NodeTesting.Answer rotated = NodeTesting.admin(a, "POST", "/v1/keys/rotate", null);
            assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
            String kid = rotated.body().get("kid").asText();

            await(
                    "B publishes the key rotated on A",
                    () -> NodeTesting.call(b, "GET", "/.well-known/jwks.json", null, null)
                            .raw()
                            .contains("\"" + kid + "\""));
            String onB = token(b, "bot").get("access_token").asText();
            assertThat(com.nimbusds.jwt.SignedJWT.parse(onB).getHeader().getKeyID())
                    .as("B signs with the new key without a restart")
                    .isEqualTo(kid);
            assertThat(active(a, onB)).isTrue();
        }
    }

    private static TrustBundle spiffeBundle(MandateNode node) throws Exception {
        NodeTesting.Answer bundle = NodeTesting.call(node, "GET", "/.well-known/spiffe-bundle.json", null, null);
        assertThat(bundle.status()).as(bundle.raw()).isEqualTo(200);
        return TrustBundle.parse("mandate.local", bundle.raw());
    }

    /** Joins agent {@code bot} through {@code node}: a join token and SVIDs, both from that node. */
    private static JsonNode svids(MandateNode node) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return NodeTesting.joinSvids(node, "bot", generator.generateKeyPair(), List.of("mandate"));
    }

    private static String kid(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getHeader().getKeyID();
    }

    @Test
    void trustDomainKeysRotatedOnOneNodeAreIssuedVerifiedAndPublishedOnTheOtherWithoutARestart() throws Exception {
        Map<ConfigKey, String> store = replicaConfig("mandate_replica_trust_domain");
        try (MandateNode a = MandateNode.start(NodeTesting.config(tmp.resolve("a"), store));
                MandateNode b = MandateNode.start(NodeTesting.config(tmp.resolve("b"), store))) {
            NodeTesting.registerAgent(a, "bot", "team-support", "copilot", "support");
            List<X509Certificate> rootsBefore = spiffeBundle(b).x509Authorities();

            NodeTesting.Answer jwtKey = NodeTesting.admin(a, "POST", "/v1/trust-domain/rotate-jwt-key", null);
            assertThat(jwtKey.status()).as(jwtKey.raw()).isEqualTo(200);
            String kid = jwtKey.body().get("kid").asText();
            NodeTesting.Answer ca = NodeTesting.admin(a, "POST", "/v1/trust-domain/rotate-ca", null);
            assertThat(ca.status()).as(ca.raw()).isEqualTo(200);
            JsonNode onA = svids(a);
            String jwtSvidA = onA.get("jwtSvid").asText();
            List<X509Certificate> chainA =
                    Pem.decodeCertificates(onA.get("x509Svid").asText());
            X509Certificate newRoot = chainA.get(1);
            assertThat(newRoot.getSerialNumber().toString(16))
                    .isEqualTo(ca.body().get("serial").asText());
            assertThat(kid(jwtSvidA)).isEqualTo(kid);
            assertThat(rootsBefore).doesNotContain(newRoot);

            await("B publishes the JWT-SVID key and the CA rotated on A", () -> {
                TrustBundle onB = spiffeBundle(b);
                return onB.jwtAuthority(kid).isPresent()
                        && onB.x509Authorities().contains(newRoot);
            });
            assertThat(spiffeBundle(b).x509Authorities())
                    .as("the retired root stays published beside the new one for the SVIDs it issued")
                    .containsAll(rootsBefore);
            VerifiedWorkload byJwt = b.workloadVerifier().verifyJwtSvid(jwtSvidA, "mandate");
            assertThat(byJwt.id().toString()).isEqualTo("spiffe://mandate.local/agent/bot");
            assertThat(b.workloadVerifier().verifyX509Svid(chainA).id())
                    .as("an X.509-SVID issued by A's new root verifies on B")
                    .isEqualTo(byJwt.id());

            JsonNode onB = svids(b);
            List<X509Certificate> chainB =
                    Pem.decodeCertificates(onB.get("x509Svid").asText());
            assertThat(chainB.get(1)).as("B issues from the root rotated on A").isEqualTo(newRoot);
            assertThat(kid(onB.get("jwtSvid").asText()))
                    .as("B signs JWT-SVIDs with the key rotated on A")
                    .isEqualTo(kid);
            assertThat(a.workloadVerifier().verifyX509Svid(chainB).id()).isEqualTo(byJwt.id());
        }
    }

    private static McpSyncClient agent(MandateNode node, String token) {
        McpSyncClient client = NodeTesting.mcpClient(node, token, Duration.ofSeconds(20));
        client.initialize();
        return client;
    }

    private static String decision(MandateNode node, String tool, String mandateId) throws Exception {
        NodeTesting.Answer a =
                NodeTesting.admin(node, "POST", "/v1/authorize", Map.of("tool", tool, "mandateId", mandateId));
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return a.body().get("decision").asText();
    }

    @Test
    void piiReadThroughOneNodeForbidsEgressThroughTheOtherThatAlreadyServedTheMandate() throws Exception {
        SampleCrmUpstream crm = new SampleCrmUpstream();
        try {
            Path gateway = Files.writeString(tmp.resolve("gateway.yaml"), """
                    upstreams:
                      crm: { url: "%s" }
                    catalog:
                      tools:
                        crm:
                          get_customer: { labels: "confidential,pii" }
                          send_email: { labels: "internal", egress: true }
                    """.formatted(crm.url()));
            for (String node : List.of("a", "b")) {
                Files.createDirectories(tmp.resolve(node).resolve("policies"));
                Files.writeString(tmp.resolve(node).resolve("policies/support.cedar"), """
                        @id("support-calls")
                        permit (principal, action in Action::"call_tool", resource)
                        when { context.mandate.purpose == "support" };

                        @id("no-egress-after-pii")
                        forbid (principal, action in Action::"egress", resource)
                        when { context.flow.labels.contains("pii") };
                        """);
            }
            Map<ConfigKey, String> config = replicaConfig("mandate_replica_labels");
            config.put(ConfigKey.GATEWAY_CONFIG, gateway.toString());
            try (MandateNode a = MandateNode.start(NodeTesting.config(tmp.resolve("a"), config));
                    MandateNode b = MandateNode.start(NodeTesting.config(tmp.resolve("b"), config))) {
                NodeTesting.registerAgent(a, "bot", "team-support", "copilot", "support");
                NodeTesting.Answer issued = NodeTesting.admin(
                        a,
                        "POST",
                        "/v1/tokens",
                        Map.of(
                                "agent",
                                "bot",
                                "purpose",
                                "support",
                                "tools",
                                List.of("crm.get_customer", "crm.send_email")));
                assertThat(issued.status()).as(issued.raw()).isEqualTo(201);
                String token = issued.body().get("access_token").asText();
                String mandateId = issued.body().get("mandate_id").asText();
                // B serves the mandate first: its flow labels there start, and stay in memory, without pii.
                McpSyncClient onB = agent(b, token);
                McpSyncClient onA = agent(a, token);
                try {
                    assertThat(decision(b, "crm.send_email", mandateId)).isEqualTo("allow");

                    onA.callTool(new McpSchema.CallToolRequest("crm.get_customer", Map.of("customerId", "1")));

                    await(
                            "B decides with the pii read through A",
                            () -> decision(b, "crm.send_email", mandateId).equals("deny"));
                    assertThatThrownBy(() -> onB.callTool(
                                    new McpSchema.CallToolRequest("crm.send_email", Map.of("to", "x@example.org"))))
                            .isInstanceOfSatisfying(McpError.class, e -> {
                                assertThat(e.getJsonRpcError().code()).isEqualTo(-32003);
                                assertThat(e.getMessage()).contains("no-egress-after-pii");
                            });
                } finally {
                    onA.closeGracefully();
                    onB.closeGracefully();
                }
            }
        } finally {
            crm.close();
        }
    }
}

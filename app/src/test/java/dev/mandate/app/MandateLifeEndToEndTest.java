package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mandate.app.config.ConfigKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole life of a mandate over real HTTP on 127.0.0.1, on H2 and on PostgreSQL: register agents, join tokens,
 * SVIDs, open a DPoP-bound mandate, delegate to a sub-agent (attenuated; widening refused), revoke the parent, the
 * child's token is inactive on introspection, {@code mandate audit verify} passes, and fails once one byte of one
 * stored event is changed.
 */
final class MandateLifeEndToEndTest {
    private static final AtomicInteger NEXT_DB = new AtomicInteger();
    private static @Nullable EmbeddedPostgres postgres;

    @TempDir
    Path tmp;

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static synchronized String postgresUrl() throws Exception {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().start();
        }
        String name = "mandate_e2e_" + NEXT_DB.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    private record Store(Map<ConfigKey, String> config, String jdbcUrl, String user) {}

    private Store store(String kind) throws Exception {
        Map<ConfigKey, String> config = new EnumMap<>(ConfigKey.class);
        config.put(ConfigKey.AUDIT_CHECKPOINT_EVERY, "4");
        if (kind.equals("postgresql")) {
            String url = postgresUrl();
            config.put(ConfigKey.STORE_URL, url);
            config.put(ConfigKey.STORE_USER, "postgres");
            return new Store(config, url, "postgres");
        }
        String url = "jdbc:h2:file:" + tmp.resolve("data").toAbsolutePath().resolve("mandate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
        return new Store(config, url, "mandate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void theWholeLifeOfAMandate(String kind) throws Exception {
        Store store = store(kind);
        try (MandateNode node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), store.config()))) {
            String issuer = "http://127.0.0.1:" + node.port();
            register(node, "lead");
            register(node, "helper");
            ECKey leadKey = new ECKeyGenerator(Curve.P_256).generate();
            ECKey helperKey = new ECKeyGenerator(Curve.P_256).generate();
            String leadSvid = svid(node, "lead", issuer);
            String helperSvid = svid(node, "helper", issuer);

            NodeTesting.Answer open = OAuthFlowTest.post(
                    node,
                    "/oauth2/token",
                    OAuthFlowTest.opening(
                            leadSvid, OAuthFlowTest.details("support", List.of("crm.read", "mail.send"), 600)),
                    Map.of("DPoP", OAuthFlowTest.proof(node, leadKey)));
            assertThat(open.status()).as(open.raw()).isEqualTo(200);
            assertThat(open.body().get("token_type").asText()).isEqualTo("DPoP");
            String parentToken = open.body().get("access_token").asText();
            String parentId = open.body().get("mandate_id").asText();

            NodeTesting.Answer widen =
                    delegate(node, parentToken, leadKey, helperSvid, helperKey, List.of("crm.read", "crm.delete"));
            assertThat(widen.status()).isEqualTo(400);
            assertThat(widen.body().get("error").asText()).isEqualTo("invalid_target");
            assertThat(widen.body().get("error_description").asText()).contains("crm.delete");

            NodeTesting.Answer child = delegate(node, parentToken, leadKey, helperSvid, helperKey, List.of("crm.read"));
            assertThat(child.status()).as(child.raw()).isEqualTo(200);
            String childToken = child.body().get("access_token").asText();
            assertThat(introspect(node, childToken).get("active").asBoolean()).isTrue();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(cli(node, out, err, "mandate", "revoke", parentId, "--reason", "task hijacked"))
                    .as(err.toString())
                    .isZero();
            assertThat(introspect(node, childToken).get("active").asBoolean()).isFalse();
            assertThat(introspect(node, parentToken).get("active").asBoolean()).isFalse();

            assertThat(cli(node, out, err, "audit", "verify"))
                    .as(err.toString())
                    .isZero();
            assertThat(out.toString()).contains("\"ok\" : true");

            long seq = flipOneByteOfTheRevocationEvent(store);
            StringWriter out2 = new StringWriter();
            StringWriter err2 = new StringWriter();
            assertThat(cli(node, out2, err2, "audit", "verify")).isEqualTo(1);
            assertThat(out2.toString()).contains("\"ok\" : false").contains("\"brokenSeq\" : " + seq);
            assertThat(err2.toString()).contains("event " + seq);
        }
    }

    private static void register(MandateNode node, String name) throws Exception {
        NodeTesting.registerAgent(node, name, "team-support", "autonomous", "support");
    }

    private static String svid(MandateNode node, String agent, String audience) throws Exception {
        KeyPair keys = new ECKeyGenerator(Curve.P_256).generate().toKeyPair();
        return NodeTesting.joinSvids(node, agent, keys, List.of(audience))
                .get("jwtSvid")
                .asText();
    }

    private static NodeTesting.Answer delegate(
            MandateNode node, String parentToken, ECKey parentKey, String svid, ECKey key, List<String> tools)
            throws Exception {
        return OAuthFlowTest.post(
                node,
                "/oauth2/token",
                OAuthFlowTest.form(
                        OAuthFlowTest.delegation(parentToken, svid, key, OAuthFlowTest.details("support", tools, 300))),
                Map.of("DPoP", OAuthFlowTest.proofWith(node, parentKey, parentToken)));
    }

    private static JsonNode introspect(MandateNode node, String token) throws Exception {
        NodeTesting.Answer a = OAuthFlowTest.post(
                node,
                "/oauth2/introspect",
                OAuthFlowTest.form(Map.of("token", token)),
                Map.of("Authorization", "Bearer " + NodeTesting.adminToken(node)));
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return a.body();
    }

    private static int cli(MandateNode node, StringWriter out, StringWriter err, String... args) {
        return NodeTesting.cliAgainst(node, out, err, args);
    }

    /** Changes one byte of the stored revocation event, as someone with write access to the database could. */
    private static long flipOneByteOfTheRevocationEvent(Store store) throws Exception {
        try (Connection c = DriverManager.getConnection(store.jdbcUrl(), store.user(), "")) {
            long seq;
            String reason;
            try (PreparedStatement s = c.prepareStatement(
                            "SELECT seq, reason FROM audit_events WHERE event_type = 'mandate.revoked' ORDER BY seq LIMIT 1");
                    ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                seq = rs.getLong(1);
                reason = rs.getString(2);
            }
            String changed = reason.replaceFirst("h", "H"); // "task hijacked" -> "task Hijacked": one byte
            try (PreparedStatement s = c.prepareStatement("UPDATE audit_events SET reason = ? WHERE seq = ?")) {
                s.setString(1, changed);
                s.setLong(2, seq);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            return seq;
        }
    }
}

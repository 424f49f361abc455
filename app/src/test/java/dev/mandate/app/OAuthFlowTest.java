package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The token endpoint, introspection and the mandate control plane over real HTTP. Agents authenticate with a test
 * stand-in for JWT-SVIDs ({@code test-svid:<spiffe-id>}); the end-to-end test uses real SVIDs.
 */
final class OAuthFlowTest {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
    static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";

    @TempDir
    Path tmp;

    private MandateNode node;

    @BeforeEach
    void start() {
        node = MandateNode.start(
                NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.AUDIT_CHECKPOINT_EVERY, "5")), svid -> {
                    if (!svid.startsWith("test-svid:")) {
                        throw new MandateException(ErrorCode.UNAUTHENTICATED, "not a test SVID");
                    }
                    return SpiffeId.parse(svid.substring("test-svid:".length()));
                });
    }

    @AfterEach
    void stop() {
        node.close();
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** The form that opens a root mandate for the agent whose SVID is {@code subjectToken}. */
    static String opening(String subjectToken, String details) {
        return form(Map.of(
                "grant_type", EXCHANGE,
                "subject_token", subjectToken,
                "subject_token_type", JWT,
                "authorization_details", details));
    }

    /** The form that renews (heartbeats) the mandate {@code token} stands for. */
    static String renewal(String token) {
        return form(Map.of("grant_type", EXCHANGE, "subject_token", token, "subject_token_type", ACCESS));
    }

    static NodeTesting.Answer post(MandateNode node, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = NodeTesting.JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            json = NodeTesting.JSON.createObjectNode();
        }
        return new NodeTesting.Answer(
                r.statusCode(), json == null ? NodeTesting.JSON.createObjectNode() : json, r.body());
    }

    static String details(String purpose, @Nullable List<String> tools, @Nullable Integer ttl) throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", "mandate");
        d.put("purpose", purpose);
        if (tools != null) {
            d.put("tools", tools);
        }
        if (ttl != null) {
            d.put("ttl", ttl);
        }
        return NodeTesting.JSON.writeValueAsString(List.of(d));
    }

    static String proof(MandateNode node, ECKey key) throws Exception {
        return proof(node, key, "/oauth2/token");
    }

    static String proof(MandateNode node, ECKey key, String path) throws Exception {
        return new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
                .createDPoPJWT("POST", URI.create("http://127.0.0.1:" + node.port() + path))
                .serialize();
    }

    /** A proof that presents a token too: its {@code ath} is the token's hash (RFC 9449 §4.2). */
    static String proofWith(MandateNode node, ECKey key, String token) throws Exception {
        return proofWith(node, key, token, "/oauth2/token");
    }

    static String proofWith(MandateNode node, ECKey key, String token, String path) throws Exception {
        return new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
                .createDPoPJWT("POST", URI.create("http://127.0.0.1:" + node.port() + path), new DPoPAccessToken(token))
                .serialize();
    }

    /** The form of a delegation by the parent's holder to {@code sub}, bound to {@code subKey}. */
    static Map<String, String> delegation(String parentToken, String subSvid, ECKey subKey, String details)
            throws Exception {
        return Map.of(
                "grant_type", EXCHANGE,
                "subject_token", parentToken,
                "subject_token_type", ACCESS,
                "actor_token", subSvid,
                "actor_token_type", JWT,
                "dpop_jkt", subKey.computeThumbprint().toString(),
                "authorization_details", details);
    }

    private void register(String name, String tier) throws Exception {
        NodeTesting.registerAgent(node, name, "team-a", tier, "support");
    }

    /** Opens a root mandate for {@code agent}, bound to {@code key} by a DPoP proof; fails the test unless 200. */
    private NodeTesting.Answer openBound(String agent, ECKey key, List<String> tools, int ttl) throws Exception {
        NodeTesting.Answer open = post(
                node,
                "/oauth2/token",
                opening(svid(agent), details("support", tools, ttl)),
                Map.of("DPoP", proof(node, key)));
        assertThat(open.status()).as(open.raw()).isEqualTo(200);
        return open;
    }

    private static String svid(String name) {
        return "test-svid:spiffe://mandate.local/agent/" + name;
    }

    @Test
    void openDelegateRevokeAndIntrospect() throws Exception {
        register("lead", "autonomous");
        register("helper", "autonomous");
        ECKey leadKey = new ECKeyGenerator(Curve.P_256).generate();
        ECKey helperKey = new ECKeyGenerator(Curve.P_256).generate();

        NodeTesting.Answer open = openBound("lead", leadKey, List.of("crm.read", "mail.send"), 600);
        assertThat(open.body().get("token_type").asText()).isEqualTo("DPoP");
        String parentToken = open.body().get("access_token").asText();
        SignedJWT parentJwt = SignedJWT.parse(parentToken);
        assertThat(parentJwt.getHeader().getType().toString()).isEqualTo("at+jwt");
        Map<String, Object> claims = parentJwt.getJWTClaimsSet().getClaims();
        assertThat(claims)
                .containsKeys(
                        "iss", "sub", "aud", "iat", "exp", "jti", "client_id", "scope", "mdt", "purp", "tier", "cnf");
        assertThat(parentJwt.getJWTClaimsSet().getJSONObjectClaim("cnf").get("jkt"))
                .isEqualTo(leadKey.computeThumbprint().toString());

        NodeTesting.Answer widen = post(
                node,
                "/oauth2/token",
                form(delegation(
                        parentToken,
                        svid("helper"),
                        helperKey,
                        details("support", List.of("crm.read", "db.drop"), null))),
                Map.of("DPoP", proofWith(node, leadKey, parentToken)));
        assertThat(widen.status()).isEqualTo(400);
        assertThat(widen.body().get("error").asText()).isEqualTo("invalid_target");
        assertThat(widen.body().get("error_description").asText()).contains("db.drop");

        NodeTesting.Answer child = post(
                node,
                "/oauth2/token",
                form(delegation(parentToken, svid("helper"), helperKey, details("support", List.of("crm.read"), 300))),
                Map.of("DPoP", proofWith(node, leadKey, parentToken)));
        assertThat(child.status()).as(child.raw()).isEqualTo(200);
        String childToken = child.body().get("access_token").asText();
        SignedJWT childJwt = SignedJWT.parse(childToken);
        assertThat(childJwt.getJWTClaimsSet().getJSONObjectClaim("act").get("sub"))
                .isEqualTo("spiffe://mandate.local/agent/lead");
        assertThat(childJwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("crm.read");

        String token = NodeTesting.adminToken(node);
        assertThat(post(
                                node,
                                "/oauth2/introspect",
                                form(Map.of("token", childToken)),
                                Map.of("Authorization", "Bearer " + token))
                        .body()
                        .get("active")
                        .asBoolean())
                .isTrue();

        String parentId = open.body().get("mandate_id").asText();
        NodeTesting.Answer tree = NodeTesting.admin(node, "GET", "/v1/mandates/" + parentId, null);
        assertThat(tree.body().get("tree").get(0).get("id").asText())
                .isEqualTo(child.body().get("mandate_id").asText());

        NodeTesting.Answer revoked =
                NodeTesting.admin(node, "POST", "/v1/mandates/" + parentId + "/revoke", Map.of("reason", "test"));
        assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
        assertThat(revoked.body().get("revoked")).hasSize(2);

        NodeTesting.Answer intro = post(
                node,
                "/oauth2/introspect",
                form(Map.of("token", childToken)),
                Map.of("Authorization", "Bearer " + token));
        assertThat(intro.status()).isEqualTo(200);
        assertThat(intro.body().get("active").asBoolean()).isFalse();

        NodeTesting.Answer verify = NodeTesting.admin(node, "POST", "/v1/audit/verify", null);
        assertThat(verify.body().get("ok").asBoolean()).as(verify.raw()).isTrue();
        assertThat(verify.body().get("checkpointsChecked").asInt()).isPositive();
    }

    @Test
    void aStolenBoundParentTokenCannotBeDelegatedWithoutItsKey() throws Exception {
        register("lead", "autonomous");
        register("helper", "autonomous");
        register("mallory", "autonomous");
        ECKey leadKey = new ECKeyGenerator(Curve.P_256).generate();
        ECKey helperKey = new ECKeyGenerator(Curve.P_256).generate();
        ECKey thiefKey = new ECKeyGenerator(Curve.P_256).generate();
        NodeTesting.Answer open = openBound("lead", leadKey, List.of("crm.read"), 600);
        String parentToken = open.body().get("access_token").asText();
        String toThief = form(delegation(parentToken, svid("mallory"), thiefKey, details("support", null, null)));

        NodeTesting.Answer noProof = post(node, "/oauth2/token", toThief, Map.of());
        assertThat(noProof.status()).isEqualTo(400);
        assertThat(noProof.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(noProof.body().get("error_description").asText()).contains("DPoP-bound", "ath");

        NodeTesting.Answer thiefProof =
                post(node, "/oauth2/token", toThief, Map.of("DPoP", proofWith(node, thiefKey, parentToken)));
        assertThat(thiefProof.status()).isEqualTo(400);
        assertThat(thiefProof.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(thiefProof.body().get("error_description").asText()).contains("only its holder may delegate");

        NodeTesting.Answer withoutAth = post(node, "/oauth2/token", toThief, Map.of("DPoP", proof(node, leadKey)));
        assertThat(withoutAth.status()).isEqualTo(400);
        assertThat(withoutAth.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(withoutAth.body().get("error_description").asText()).contains("ath");

        String replayed = proofWith(node, leadKey, parentToken);
        String toHelper = form(delegation(parentToken, svid("helper"), helperKey, details("support", null, 300)));
        NodeTesting.Answer child = post(node, "/oauth2/token", toHelper, Map.of("DPoP", replayed));
        assertThat(child.status()).as(child.raw()).isEqualTo(200);
        assertThat(child.body().get("token_type").asText()).isEqualTo("DPoP");
        String childToken = child.body().get("access_token").asText();
        assertThat(SignedJWT.parse(childToken)
                        .getJWTClaimsSet()
                        .getJSONObjectClaim("cnf")
                        .get("jkt"))
                .as("the child is bound to the key named by dpop_jkt, the sub-agent's")
                .isEqualTo(helperKey.computeThumbprint().toString());
        NodeTesting.Answer replay = post(node, "/oauth2/token", toHelper, Map.of("DPoP", replayed));
        assertThat(replay.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(replay.body().get("error_description").asText()).contains("replay");

        String heartbeat = renewal(childToken);
        assertThat(post(node, "/oauth2/token", heartbeat, Map.of("DPoP", proof(node, leadKey)))
                        .body()
                        .get("error")
                        .asText())
                .as("the parent's key does not hold the child")
                .isEqualTo("invalid_dpop_proof");
        NodeTesting.Answer renewed =
                post(node, "/oauth2/token", heartbeat, Map.of("DPoP", proofWith(node, helperKey, childToken)));
        assertThat(renewed.status()).as(renewed.raw()).isEqualTo(200);
        String childId = child.body().get("mandate_id").asText();
        assertThat(renewed.body().get("mandate_id").asText()).isEqualTo(childId);

        NodeTesting.Answer tree = NodeTesting.admin(
                node, "GET", "/v1/mandates/" + open.body().get("mandate_id").asText(), null);
        assertThat(tree.body().get("tree")).hasSize(1);
    }

    @Test
    void dpopJktMustBeAThumbprintAndNamesOnlyASubAgentsKey() throws Exception {
        register("lead", "copilot");
        register("helper", "copilot");
        NodeTesting.Answer open = post(
                node,
                "/oauth2/token",
                form(Map.of(
                        "grant_type",
                        EXCHANGE,
                        "subject_token",
                        svid("lead"),
                        "subject_token_type",
                        JWT,
                        "dpop_jkt",
                        new ECKeyGenerator(Curve.P_256)
                                .generate()
                                .computeThumbprint()
                                .toString())),
                Map.of());
        assertThat(open.status()).isEqualTo(400);
        assertThat(open.body().get("error_description").asText()).contains("dpop_jkt names the sub-agent's key");

        NodeTesting.Answer bearer = post(
                node, "/oauth2/token", opening(svid("lead"), details("support", List.of("crm.read"), 600)), Map.of());
        assertThat(bearer.status()).as(bearer.raw()).isEqualTo(200);
        assertThat(bearer.body().get("token_type").asText()).isEqualTo("Bearer");
        String parentToken = bearer.body().get("access_token").asText();
        Map<String, String> bad = new LinkedHashMap<>(delegation(
                parentToken,
                svid("helper"),
                new ECKeyGenerator(Curve.P_256).generate(),
                details("support", null, null)));
        bad.put("dpop_jkt", "not-a-thumbprint");
        NodeTesting.Answer malformed = post(node, "/oauth2/token", form(bad), Map.of());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("error").asText()).isEqualTo("invalid_request");
        assertThat(malformed.body().get("error_description").asText()).contains("not-a-thumbprint", "RFC 7638");

        ECKey helperKey = new ECKeyGenerator(Curve.P_256).generate();
        NodeTesting.Answer child = post(
                node,
                "/oauth2/token",
                form(delegation(parentToken, svid("helper"), helperKey, details("support", null, null))),
                Map.of());
        assertThat(child.status())
                .as("an unbound parent needs no proof; dpop_jkt still binds the child: " + child.raw())
                .isEqualTo(200);
        assertThat(child.body().get("token_type").asText()).isEqualTo("DPoP");
    }

    @Test
    void anAgentRenewsItsOwnMandateWithItsKeyAndClosesItWhenTheTaskEnds() throws Exception {
        register("nightly", "autonomous");
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        ECKey thief = new ECKeyGenerator(Curve.P_256).generate();
        NodeTesting.Answer open = openBound("nightly", key, List.of("crm.read"), 120);
        String token = open.body().get("access_token").asText();
        String id = open.body().get("mandate_id").asText();
        String renewal = renewal(token);

        NodeTesting.Answer stolen = post(node, "/oauth2/token", renewal, Map.of("DPoP", proofWith(node, thief, token)));
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(stolen.body().get("error_description").asText()).contains("only its holder may renew");
        assertThat(post(node, "/oauth2/token", renewal, Map.of())
                        .body()
                        .get("error")
                        .asText())
                .as("a bound token renews only with a proof")
                .isEqualTo("invalid_dpop_proof");

        NodeTesting.Answer renewed = post(node, "/oauth2/token", renewal, Map.of("DPoP", proofWith(node, key, token)));
        assertThat(renewed.status()).as(renewed.raw()).isEqualTo(200);
        assertThat(renewed.body().get("mandate_id").asText()).isEqualTo(id);
        String fresh = renewed.body().get("access_token").asText();
        assertThat(fresh).isNotEqualTo(token);
        assertThat(SignedJWT.parse(fresh)
                        .getJWTClaimsSet()
                        .getJSONObjectClaim("cnf")
                        .get("jkt"))
                .isEqualTo(key.computeThumbprint().toString());
        assertThat(NodeTesting.admin(node, "GET", "/v1/audit?limit=200", null).raw())
                .contains("mandate.renewed");

        NodeTesting.Answer notYours = post(
                node,
                "/oauth2/revoke",
                form(Map.of("token", fresh)),
                Map.of("DPoP", proofWith(node, thief, fresh, "/oauth2/revoke")));
        assertThat(notYours.status()).isEqualTo(400);
        assertThat(notYours.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(NodeTesting.admin(node, "GET", "/v1/mandates/" + id, null)
                        .body()
                        .get("state")
                        .asText())
                .isEqualTo("active");

        NodeTesting.Answer closed = post(
                node,
                "/oauth2/revoke",
                form(Map.of("token", fresh)),
                Map.of("DPoP", proofWith(node, key, fresh, "/oauth2/revoke")));
        assertThat(closed.status()).as(closed.raw()).isEqualTo(200);
        assertThat(closed.body().get("closed").get(0).asText()).isEqualTo(id);
        assertThat(NodeTesting.admin(node, "GET", "/v1/mandates/" + id, null)
                        .body()
                        .get("state")
                        .asText())
                .isEqualTo("closed");
        assertThat(post(node, "/oauth2/token", renewal, Map.of("DPoP", proofWith(node, key, token)))
                        .body()
                        .get("error")
                        .asText())
                .as("an ended mandate is not renewed")
                .isEqualTo("invalid_grant");

        NodeTesting.Answer again = post(
                node,
                "/oauth2/revoke",
                form(Map.of("token", fresh)),
                Map.of("DPoP", proofWith(node, key, fresh, "/oauth2/revoke")));
        assertThat(again.status()).isEqualTo(200);
        assertThat(post(node, "/oauth2/revoke", form(Map.of("token", "not-a-token")), Map.of())
                        .status())
                .as("RFC 7009: an invalid token is not an error")
                .isEqualTo(200);
    }

    /** A proof for renewing or revoking a DPoP-bound token that lacks the token's hash, or carries another's. */
    record AthCase(String endpoint, boolean withAth) {}

    static java.util.stream.Stream<AthCase> athCases() {
        return java.util.stream.Stream.of(
                new AthCase("/oauth2/token", false),
                new AthCase("/oauth2/token", true),
                new AthCase("/oauth2/revoke", false),
                new AthCase("/oauth2/revoke", true));
    }

    @ParameterizedTest
    @MethodSource("athCases")
    void renewingOrRevokingABoundTokenNeedsAProofCarryingItsHash(AthCase c) throws Exception {
        register("nightly", "autonomous");
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        NodeTesting.Answer open = openBound("nightly", key, List.of("crm.read"), 120);
        String token = open.body().get("access_token").asText();
        String id = open.body().get("mandate_id").asText();
        String body = c.endpoint().equals("/oauth2/token") ? renewal(token) : form(Map.of("token", token));
        // The holder's own key, so only the missing or wrong ath can be what is refused.
        String badProof =
                c.withAth() ? proofWith(node, key, token + "x", c.endpoint()) : proof(node, key, c.endpoint());

        NodeTesting.Answer refused = post(node, c.endpoint(), body, Map.of("DPoP", badProof));
        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(refused.body().get("error_description").asText())
                .contains(c.withAth() ? "ath does not match" : "carries no ath");
        NodeTesting.Answer mandate = NodeTesting.admin(node, "GET", "/v1/mandates/" + id, null);
        assertThat(mandate.body().get("state").asText()).isEqualTo("active");
        assertThat(mandate.body().get("expires").asText())
                .as("a refused renewal does not move the expiry")
                .isEqualTo(open.body()
                        .get("authorization_details")
                        .get(0)
                        .get("expires")
                        .asText());

        NodeTesting.Answer accepted =
                post(node, c.endpoint(), body, Map.of("DPoP", proofWith(node, key, token, c.endpoint())));
        assertThat(accepted.status()).as(accepted.raw()).isEqualTo(200);
    }

    @Test
    void autonomousAgentsNeedDPoPAndAdminCanIssueForCopilots() throws Exception {
        register("auto", "autonomous");
        register("pilot", "copilot");
        NodeTesting.Answer bearer =
                post(node, "/oauth2/token", opening(svid("auto"), details("support", null, 60)), Map.of());
        assertThat(bearer.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertThat(bearer.body().get("error_description").asText()).contains("tier.autonomous.allow-bearer");

        NodeTesting.Answer issued = NodeTesting.admin(
                node,
                "POST",
                "/v1/tokens",
                Map.of("agent", "pilot", "purpose", "support", "tools", List.of("crm.read")));
        assertThat(issued.status()).as(issued.raw()).isEqualTo(201);
        assertThat(issued.body().get("token_type").asText()).isEqualTo("Bearer");

        NodeTesting.Answer wrongPurpose =
                NodeTesting.admin(node, "POST", "/v1/tokens", Map.of("agent", "pilot", "purpose", "billing"));
        assertThat(wrongPurpose.status()).isEqualTo(400);

        NodeTesting.Answer kill = NodeTesting.admin(node, "POST", "/v1/agents/pilot/revoke", Map.of("reason", "leak"));
        assertThat(kill.body().get("revoked")).hasSize(1);
        assertThat(NodeTesting.admin(node, "GET", "/v1/agents/pilot", null)
                        .body()
                        .get("status")
                        .asText())
                .isNotEqualTo("active");
        NodeTesting.Answer list = NodeTesting.admin(node, "GET", "/v1/mandates?agent=pilot&state=revoked", null);
        assertThat(list.body().get("mandates")).hasSize(1);
        // The kill switch revokes, then disables; the disable's own revocation finds nothing left and records nothing.
        List<String> agentRevocations = new java.util.ArrayList<>();
        for (JsonNode event : NodeTesting.admin(node, "GET", "/v1/audit?limit=200", null)
                .body()
                .get("events")) {
            if (event.path("type").asText().equals("agent.revoked")
                    && event.path("subject").asText().endsWith("/pilot")) {
                agentRevocations.add(event.path("details").toString());
            }
        }
        assertThat(agentRevocations).singleElement().asString().contains("\"mandates\":\"1\"");
    }

    static List<Object[]> badRequests() {
        String longToken = "x".repeat(9000);
        return List.of(
                new Object[] {"grant_type=password&username=a", "unsupported_grant_type"},
                new Object[] {"grant_type=" + EXCHANGE, "invalid_request"},
                new Object[] {"grant_type=" + EXCHANGE + "&grant_type=" + EXCHANGE, "invalid_request"},
                new Object[] {"%zz=%%%", "invalid_request"},
                new Object[] {
                    "grant_type=" + EXCHANGE + "&subject_token=" + longToken + "&subject_token_type=" + JWT,
                    "invalid_request"
                },
                new Object[] {
                    "grant_type=" + EXCHANGE + "&subject_token=abc&subject_token_type=" + JWT
                            + "&authorization_details=%7Bnot-json",
                    "invalid_authorization_details"
                },
                new Object[] {
                    "grant_type=" + EXCHANGE + "&subject_token=abc&subject_token_type=" + JWT
                            + "&authorization_details="
                            + URLEncoder.encode("[{\"type\":\"other\"}]", StandardCharsets.UTF_8),
                    "invalid_authorization_details"
                },
                new Object[] {
                    "grant_type=" + EXCHANGE + "&subject_token=abc&subject_token_type=" + JWT
                            + "&authorization_details="
                            + URLEncoder.encode(
                                    "[{\"type\":\"mandate\",\"purpose\":\"support\"}]", StandardCharsets.UTF_8),
                    "invalid_request"
                },
                new Object[] {
                    "grant_type=" + EXCHANGE + "&subject_token="
                            + URLEncoder.encode(svid("ghost"), StandardCharsets.UTF_8)
                            + "&subject_token_type=" + JWT + "&authorization_details="
                            + URLEncoder.encode(
                                    "[{\"type\":\"mandate\",\"purpose\":\"support\"}]", StandardCharsets.UTF_8),
                    "unauthorized_client"
                },
                new Object[] {
                    "grant_type=" + EXCHANGE + "&subject_token=not.a.jwt&subject_token_type=" + ACCESS
                            + "&actor_token=x&actor_token_type=" + JWT,
                    "invalid_request"
                });
    }

    @Test
    void aMalformedEscapeIsNamedAsSuchNotAsARepeatedParameter() throws Exception {
        NodeTesting.Answer a =
                post(node, "/oauth2/token", "grant_type=%zz&subject_token=abc&subject_token_type=" + JWT, Map.of());
        assertThat(a.status()).as(a.raw()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isEqualTo("invalid_request");
        assertThat(a.body().get("error_description").asText())
                .as(a.raw())
                .contains("'%' at offset 11 is not followed by two hexadecimal digits")
                .doesNotContain("repeated");
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badInputGetsAnOAuthErrorNeverA500(String body, String error) throws Exception {
        NodeTesting.Answer a = post(node, "/oauth2/token", body, Map.of());
        assertThat(a.status()).as(a.raw()).isBetween(400, 499);
        assertThat(a.body().get("error").asText()).as(a.raw()).isEqualTo(error);
        assertThat(a.body().get("error_description").asText()).isNotBlank();
    }

    @Test
    void aBadDPoPProofIsRefused() throws Exception {
        register("lead", "autonomous");
        NodeTesting.Answer a = post(
                node, "/oauth2/token", opening(svid("lead"), details("support", null, 60)), Map.of("DPoP", "garbage"));
        assertThat(a.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
    }

    @Test
    void metadataDescribesTheEndpoints() throws Exception {
        NodeTesting.Answer a = NodeTesting.call(node, "GET", "/.well-known/oauth-authorization-server", null, null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().get("token_endpoint").asText()).endsWith("/oauth2/token");
        assertThat(a.body().get("issuer").asText()).isEqualTo("http://127.0.0.1:" + node.port());
        assertThat(a.body().get("grant_types_supported").get(0).asText()).isEqualTo(EXCHANGE);
    }
}

package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The direct token route answers exactly as {@link OAuthRoutes} does. A content type with a parameter other than
 * {@code charset=utf-8} makes the direct route decline, so the same exchange is sent once to each route and the
 * answers compared.
 */
final class TokenEndpointTest {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String DIRECT = "application/x-www-form-urlencoded";
    private static final String VIA_JAVALIN = "application/x-www-form-urlencoded; route=javalin";

    @TempDir
    Path tmp;

    private MandateNode node;

    @BeforeEach
    void start() throws Exception {
        node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()), svid -> {
            if (!svid.startsWith("test-svid:")) {
                throw new MandateException(ErrorCode.UNAUTHENTICATED, "not a test SVID");
            }
            return SpiffeId.parse(svid.substring("test-svid:".length()));
        });
        NodeTesting.registerAgent(node, "lead", "team-a", "autonomous", "support");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private record Answer(int status, Map<String, List<String>> headers, JsonNode body) {
        List<String> fieldNames() {
            List<String> names = new ArrayList<>();
            body.fieldNames().forEachRemaining(names::add);
            return names;
        }

        @Nullable
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null ? null : String.join(",", v);
        }
    }

    private Answer post(String contentType, String body, @Nullable String dpop) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/oauth2/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (dpop != null) {
            b.header("DPoP", dpop);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().map(), NodeTesting.JSON.readTree(r.body()));
    }

    private String proof(ECKey key) throws Exception {
        return new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
                .createDPoPJWT("POST", URI.create("http://127.0.0.1:" + node.port() + "/oauth2/token"))
                .serialize();
    }

    private static String opening(String agent) throws Exception {
        return OAuthFlowTest.form(Map.of(
                "grant_type",
                OAuthFlowTest.EXCHANGE,
                "subject_token",
                "test-svid:spiffe://mandate.local/agent/" + agent,
                "subject_token_type",
                OAuthFlowTest.JWT,
                "authorization_details",
                OAuthFlowTest.details("support", List.of("crm.read", "mail.send"), 600),
                "scope",
                "ignored"));
    }

    private static void assertAlike(Answer direct, Answer javalin) {
        assertThat(direct.status()).isEqualTo(javalin.status());
        assertThat(direct.fieldNames()).isEqualTo(javalin.fieldNames());
        for (String header : List.of("Content-Type", "Cache-Control", "Pragma", "WWW-Authenticate")) {
            assertThat(direct.header(header)).as(header).isEqualTo(javalin.header(header));
        }
    }

    @Test
    void aDPoPBoundOpeningIsAnsweredAsOAuthRoutesAnswersIt() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();

        Answer direct = post(DIRECT, opening("lead"), proof(key));
        Answer javalin = post(VIA_JAVALIN, opening("lead"), proof(key));

        assertThat(direct.status()).as(direct.body().toString()).isEqualTo(200);
        assertAlike(direct, javalin);
        assertThat(direct.header("Cache-Control")).isEqualTo("no-store");
        for (String field : List.of("issued_token_type", "token_type", "scope")) {
            assertThat(direct.body().get(field))
                    .as(field)
                    .isEqualTo(javalin.body().get(field));
        }
        JsonNode granted = direct.body().get("authorization_details").get(0);
        JsonNode grantedThere = javalin.body().get("authorization_details").get(0);
        assertThat(granted.get("purpose")).isEqualTo(grantedThere.get("purpose"));
        assertThat(granted.get("tools")).isEqualTo(grantedThere.get("tools"));
        assertThat(granted.get("resources")).isEqualTo(grantedThere.get("resources"));
        assertThat(direct.body().get("token_type").asText()).isEqualTo("DPoP");
        assertThat(direct.body().get("mandate_id").asText())
                .isNotEqualTo(javalin.body().get("mandate_id").asText());
    }

    @Test
    void aProofReplayedAfterTheDirectRouteAcceptedItIsRefused() throws Exception {
        String proof = proof(new ECKeyGenerator(Curve.P_256).generate());

        Answer first = post(DIRECT, opening("lead"), proof);
        Answer replayDirect = post(DIRECT, opening("lead"), proof);
        Answer replayJavalin = post(VIA_JAVALIN, opening("lead"), proof);

        assertThat(first.status()).isEqualTo(200);
        assertThat(replayDirect.body().get("error").asText()).isEqualTo("invalid_dpop_proof");
        assertAlike(replayDirect, replayJavalin);
        assertThat(replayDirect.body().get("error_description"))
                .isEqualTo(replayJavalin.body().get("error_description"));
    }

    @Test
    void anUnregisteredAgentAndAnUnverifiableSubjectAreRefusedAlike() throws Exception {
        for (String body : List.of(opening("stranger"), opening("lead").replace("test-svid%3A", "forged%3A"))) {
            Answer direct = post(DIRECT, body, null);
            Answer javalin = post(VIA_JAVALIN, body, null);

            assertThat(direct.status()).isBetween(400, 499);
            assertAlike(direct, javalin);
            assertThat(direct.body()).isEqualTo(javalin.body());
        }
    }

    @Test
    void aBearerOpeningForATierThatNeedsABoundTokenIsRefusedAlike() throws Exception {
        Answer direct = post(DIRECT, opening("lead"), null);
        Answer javalin = post(VIA_JAVALIN, opening("lead"), null);

        assertThat(direct.status()).isBetween(400, 499);
        assertAlike(direct, javalin);
        assertThat(direct.body()).isEqualTo(javalin.body());
    }

    record FormCase(String body, @Nullable Map<String, String> parsed) {}

    static Stream<FormCase> forms() {
        String longValue = "a".repeat(OAuthRoutes.MAX_PARAM_LENGTH + 1);
        String longDetails = "a".repeat(OAuthRoutes.MAX_DETAILS_LENGTH);
        return Stream.of(
                new FormCase("", Map.of()),
                new FormCase("grant_type=g&scope=", Map.of("grant_type", "g")),
                new FormCase("grant_type=a%20b+c&other=x&&=", Map.of("grant_type", "a b c")),
                new FormCase("subject%5Ftoken=t&resource", Map.of("subject_token", "t")),
                new FormCase("audience=a=b", Map.of("audience", "a=b")),
                new FormCase("grant_type=%E2%82%AC", Map.of("grant_type", "€")),
                new FormCase("grant_type=a&grant_type=a", null),
                new FormCase("grant_type=a&grant_type=", null),
                new FormCase("grant_type=%zz", null),
                new FormCase("unknown=%zz&grant_type=a", null),
                new FormCase("subject_token=" + longValue, null),
                new FormCase("authorization_details=" + longDetails, Map.of("authorization_details", longDetails)),
                new FormCase("authorization_details=" + longDetails + "a", null));
    }

    @ParameterizedTest
    @MethodSource("forms")
    void theFormIsReadAsJavalinReadsItOrDeclined(FormCase c) {
        assertThat(TokenEndpoint.parse(c.body())).isEqualTo(c.parsed());
    }

    @Test
    void onlyAPlainFormOrAUtf8FormIsServedDirectly() {
        assertThat(TokenEndpoint.isUtf8Form("application/x-www-form-urlencoded"))
                .isTrue();
        assertThat(TokenEndpoint.isUtf8Form("Application/X-WWW-Form-Urlencoded; charset=UTF-8"))
                .isTrue();
        assertThat(TokenEndpoint.isUtf8Form("application/x-www-form-urlencoded; charset=ISO-8859-1"))
                .isFalse();
        assertThat(TokenEndpoint.isUtf8Form(VIA_JAVALIN)).isFalse();
        assertThat(TokenEndpoint.isUtf8Form("application/json")).isFalse();
        assertThat(TokenEndpoint.isUtf8Form(null)).isFalse();
    }
}

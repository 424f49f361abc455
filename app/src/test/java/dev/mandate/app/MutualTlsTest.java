package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.core.identity.Pem;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener over real TLS on 127.0.0.1: the node's certificate comes from its embedded trust domain, agents
 * authenticate at the token endpoint with their X.509-SVID as client certificate (RFC 8705 {@code tls_client_auth}),
 * and certificates that do not verify are refused with the reason.
 */
final class MutualTlsTest {
    @TempDir
    Path tmp;

    private MandateNode node;
    private X509Certificate partnerRoot;
    private PrivateKey partnerKey;
    private String lastJwtSvid = "";

    @BeforeEach
    void start() throws Exception {
        // A second trust domain whose CA the test holds, to make certificates the embedded CA never would.
        KeyPair partner = p256();
        partnerKey = partner.getPrivate();
        partnerRoot = certificate(
                "spiffe://partner.test",
                partner,
                null,
                partnerKey,
                true,
                Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(1)));
        Path bundles = Files.createDirectories(tmp.resolve("bundles"));
        ECKey authority = new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) partner.getPublic())
                .keyUse(new KeyUse("x509-svid"))
                .x509CertChain(List.of(Base64.encode(partnerRoot.getEncoded())))
                .build();
        Files.writeString(
                bundles.resolve("partner.test.json"),
                "{\"spiffe_sequence\":1,\"keys\":[" + authority.toJSONString() + "]}");
        node = MandateNode.start(NodeTesting.config(
                tmp.resolve("data"),
                Map.of(
                        ConfigKey.TLS_LISTEN,
                        "127.0.0.1:0",
                        ConfigKey.TRUST_BUNDLE_DIR,
                        bundles.toString(),
                        // Bearer tokens refused: a certificate-bound token must count as bound.
                        ConfigKey.TIER_COPILOT_ALLOW_BEARER,
                        "false")));
        for (String name : List.of("bot", "other")) {
            NodeTesting.registerAgent(node, name, "team-a", "copilot", "support");
        }
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void anAgentOpensAMandateWithItsX509SvidAsClientCertificate() throws Exception {
        KeyPair keys = p256();
        List<X509Certificate> svid = svid(keys);

        Response r = token(client(keys.getPrivate(), svid), form());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = NodeTesting.JSON.readTree(r.body());
        String token = json.get("access_token").asText();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getSubject()).isEqualTo("spiffe://mandate.local/agent/bot");
        assertThat(json.get("token_type").asText()).isEqualTo("Bearer");

        NodeTesting.Answer rotated = NodeTesting.admin(node, "POST", "/v1/trust-domain/rotate-ca", null);
        assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
        NodeTesting.Answer bundle = NodeTesting.call(node, "GET", "/.well-known/spiffe-bundle.json", null, null);
        assertThat(dev.mandate.core.identity.TrustBundle.parse("mandate.local", bundle.raw())
                        .x509Authorities())
                .as("the new root is published beside the old one")
                .hasSize(2)
                .contains(svid.get(1));
        Response afterRotation = token(client(keys.getPrivate(), svid), form());
        assertThat(afterRotation.status())
                .as("an SVID of the old root still authenticates: " + afterRotation.body())
                .isEqualTo(200);

        NodeTesting.Answer audit = NodeTesting.admin(node, "GET", "/v1/audit?limit=200", null);
        assertThat(audit.raw()).contains("mandate.opened", "tls-listener");
        NodeTesting.Answer metadata =
                NodeTesting.call(node, "GET", "/.well-known/oauth-authorization-server", null, null);
        assertThat(metadata.body().get("token_endpoint_auth_methods_supported").toString())
                .contains("tls_client_auth");
        assertThat(metadata.body()
                        .get("tls_client_certificate_bound_access_tokens")
                        .asBoolean())
                .isTrue();
        for (String path :
                List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            NodeTesting.Answer resource = NodeTesting.call(node, "GET", path, null, null);
            assertThat(resource.status()).as(resource.raw()).isEqualTo(200);
            assertThat(resource.body()
                            .path("tls_client_certificate_bound_access_tokens")
                            .asBoolean())
                    .as("RFC 9728: the gateway accepts certificate-bound tokens over the TLS listener: "
                            + resource.raw())
                    .isTrue();
        }
    }

    @Test
    void withoutAClientCertificateTheTokenEndpointAsksForASubjectToken() throws Exception {
        Response r = token(client(null, List.of()), form());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("invalid_client", "no client certificate");

        NodeTesting.Answer plain = OAuthFlowTest.post(node, "/oauth2/token", form(), Map.of());
        assertThat(plain.status()).as("plain HTTP carries no certificate").isEqualTo(401);
    }

    @Test
    void aCertificateOfAnUnknownTrustDomainIsRefused() throws Exception {
        KeyPair rogueCa = p256();
        X509Certificate rogueRoot = certificate(
                "spiffe://rogue.test",
                rogueCa,
                null,
                rogueCa.getPrivate(),
                true,
                Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(1)));
        KeyPair keys = p256();
        X509Certificate leaf = certificate(
                "spiffe://rogue.test/agent/bot",
                keys,
                rogueRoot,
                rogueCa.getPrivate(),
                false,
                Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)));

        Response r = token(client(keys.getPrivate(), List.of(leaf, rogueRoot)), form());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("invalid_client", "rogue.test", "no trust bundle");
    }

    @Test
    void anExpiredCertificateIsRefusedAndAValidOneOfAnotherDomainStillNeedsARegisteredAgent() throws Exception {
        KeyPair keys = p256();
        X509Certificate expired = certificate(
                "spiffe://partner.test/agent/bot",
                keys,
                partnerRoot,
                partnerKey,
                false,
                Instant.now().minus(Duration.ofHours(2)),
                Instant.now().minus(Duration.ofHours(1)));
        Response r = token(client(keys.getPrivate(), List.of(expired, partnerRoot)), form());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("invalid_client", "expired");

        X509Certificate valid = certificate(
                "spiffe://partner.test/agent/bot",
                keys,
                partnerRoot,
                partnerKey,
                false,
                Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)));
        Response known = token(client(keys.getPrivate(), List.of(valid, partnerRoot)), form());
        assertThat(known.status()).isEqualTo(400);
        assertThat(known.body()).contains("unauthorized_client", "spiffe://partner.test/agent/bot");
    }

    @Test
    void aClientThatTrustsOnlyAnotherDomainRefusesTheNodesCertificate() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trusting(partnerRoot), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> token(client, form()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aMandateOpenedOverMutualTlsWithoutDpopIsBoundToTheClientCertificateAndUsableOnlyWithIt() throws Exception {
        KeyPair keys = p256();
        List<X509Certificate> svid = svid(keys);
        HttpClient bot = client(keys.getPrivate(), svid);

        Response opened = token(bot, form());
        assertThat(opened.status())
                .as("the copilot tier refuses bearer tokens, and a certificate-bound one is bound: " + opened.body())
                .isEqualTo(200);
        String token =
                NodeTesting.JSON.readTree(opened.body()).get("access_token").asText();
        String thumbprint = thumbprint(svid.get(0));
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf"))
                .isEqualTo(Map.of("x5t#S256", thumbprint));

        NodeTesting.Answer intro = OAuthFlowTest.post(
                node,
                "/oauth2/introspect",
                OAuthFlowTest.form(Map.of("token", token)),
                Map.of("Authorization", "Bearer " + NodeTesting.adminToken(node)));
        assertThat(intro.body().get("active").asBoolean()).as(intro.raw()).isTrue();
        assertThat(intro.body().get("cnf").get("x5t#S256").asText()).isEqualTo(thumbprint);
        assertThat(intro.body().get("token_type").asText()).isEqualTo("Bearer");

        HttpResponse<String> ok = initialize(bot, "https://127.0.0.1:" + node.tlsPort(), token);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        HttpResponse<String> plain = initialize(HttpClient.newHttpClient(), "http://127.0.0.1:" + node.port(), token);
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(plain.body()).contains("certificate-bound", "TLS listener").doesNotContain(token);
        assertThat(plain.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");

        KeyPair otherKeys = p256();
        HttpClient other = client(otherKeys.getPrivate(), svid(otherKeys, "other"));
        HttpResponse<String> stolen = initialize(other, "https://127.0.0.1:" + node.tlsPort(), token);
        assertThat(stolen.statusCode()).isEqualTo(401);
        assertThat(stolen.body()).contains("another client certificate");

        HttpResponse<String> noCertificate =
                initialize(client(null, List.of()), "https://127.0.0.1:" + node.tlsPort(), token);
        assertThat(noCertificate.statusCode())
                .as("TLS without a client certificate")
                .isEqualTo(401);
    }

    @Test
    void aCertificateBoundTokenIsRenewedAndRevokedOnlyWithItsCertificateAndStaysBound() throws Exception {
        KeyPair keys = p256();
        List<X509Certificate> svid = svid(keys);
        HttpClient bot = client(keys.getPrivate(), svid);
        String token = accessToken(bot);
        String renewForm = OAuthFlowTest.renewal(token);

        NodeTesting.Answer plain = OAuthFlowTest.post(node, "/oauth2/token", renewForm, Map.of());
        assertThat(plain.status()).isEqualTo(401);
        assertThat(plain.raw()).contains("invalid_client", "certificate-bound");

        KeyPair otherKeys = p256();
        Response stolen = token(client(otherKeys.getPrivate(), svid(otherKeys, "other")), renewForm);
        assertThat(stolen.status()).isEqualTo(401);
        assertThat(stolen.body()).contains("invalid_client", "another client certificate");

        Response renewed = token(bot, renewForm);
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        String fresh =
                NodeTesting.JSON.readTree(renewed.body()).get("access_token").asText();
        assertThat(SignedJWT.parse(fresh).getJWTClaimsSet().getJSONObjectClaim("cnf"))
                .isEqualTo(SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf"));
        String revokeForm = OAuthFlowTest.form(Map.of("token", fresh));
        NodeTesting.Answer plainRevoke = OAuthFlowTest.post(node, "/oauth2/revoke", revokeForm, Map.of());
        assertThat(plainRevoke.status())
                .as("not a silent 200: the caller did not prove it holds the token")
                .isEqualTo(401);
        assertThat(plainRevoke.raw()).contains("invalid_client", "certificate-bound");
        Response revoked = tls(bot, "/oauth2/revoke", revokeForm, Map.of());
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(NodeTesting.JSON.readTree(revoked.body()).get("closed")).hasSize(1);
    }

    @Test
    void aCertificateBoundParentIsDelegatedOnlyOverTlsWithItsCertificate() throws Exception {
        KeyPair keys = p256();
        HttpClient bot = client(keys.getPrivate(), svid(keys));
        String parent = accessToken(bot);
        svid(p256(), "other");
        ECKey subKey = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(Curve.P_256).generate();
        String delegation = OAuthFlowTest.form(OAuthFlowTest.delegation(
                parent, lastJwtSvid, subKey, OAuthFlowTest.details("support", List.of("crm.read"), 300)));

        NodeTesting.Answer plain = OAuthFlowTest.post(node, "/oauth2/token", delegation, Map.of());
        assertThat(plain.status()).as(plain.raw()).isEqualTo(401);
        assertThat(plain.raw()).contains("invalid_client", "parent mandate token is certificate-bound");

        Response delegated = token(bot, delegation);
        assertThat(delegated.status()).as(delegated.body()).isEqualTo(200);
        String child =
                NodeTesting.JSON.readTree(delegated.body()).get("access_token").asText();
        assertThat(SignedJWT.parse(child).getJWTClaimsSet().getJSONObjectClaim("cnf"))
                .as("the child is bound to the sub-agent's DPoP key, not to the parent's certificate")
                .isEqualTo(Map.of("jkt", subKey.computeThumbprint().toString()));
    }

    @Test
    void aRenewalWithTheAgentsRenewedSvidReBindsTheTokenToTheNewCertificateAndTheOldOneNoLongerHoldsIt()
            throws Exception {
        KeyPair oldKeys = p256();
        List<X509Certificate> oldSvid = svid(oldKeys);
        HttpClient before = client(oldKeys.getPrivate(), oldSvid);
        String token = accessToken(before);
        String id = SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("mdt");
        // The agent's X.509-SVID is renewed: a new key and certificate for the same SPIFFE ID.
        KeyPair newKeys = p256();
        List<X509Certificate> newSvid = svid(newKeys);
        HttpClient after = client(newKeys.getPrivate(), newSvid);
        KeyPair otherKeys = p256();
        HttpClient other = client(otherKeys.getPrivate(), svid(otherKeys, "other"));

        Response stolen = token(other, OAuthFlowTest.renewal(token));
        assertThat(stolen.status()).as(stolen.body()).isEqualTo(401);
        assertThat(stolen.body()).contains("invalid_client", "spiffe://mandate.local/agent/other", "not the mandate");

        Response renewed = token(after, OAuthFlowTest.renewal(token));
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        String fresh =
                NodeTesting.JSON.readTree(renewed.body()).get("access_token").asText();
        assertThat(SignedJWT.parse(fresh).getJWTClaimsSet().getJSONObjectClaim("cnf"))
                .isEqualTo(Map.of("x5t#S256", thumbprint(newSvid.get(0))));
        assertThat(NodeTesting.JSON.readTree(renewed.body()).get("mandate_id").asText())
                .isEqualTo(id);
        NodeTesting.Answer audit = NodeTesting.admin(node, "GET", "/v1/audit?limit=200", null);
        List<JsonNode> renewals = new java.util.ArrayList<>();
        for (JsonNode e : audit.body().get("events")) {
            if (e.get("type").asText().equals("mandate.renewed")) {
                renewals.add(e);
            }
        }
        assertThat(renewals).as(audit.raw()).hasSize(1);
        JsonNode rebinding = renewals.get(0);
        assertThat(rebinding.get("subject").asText()).isEqualTo(id);
        assertThat(rebinding.get("details").get("rebound-from").asText()).isEqualTo(thumbprint(oldSvid.get(0)));
        assertThat(rebinding.get("details").get("cnf.x5t#S256").asText()).isEqualTo(thumbprint(newSvid.get(0)));

        HttpResponse<String> withOld = initialize(before, "https://127.0.0.1:" + node.tlsPort(), fresh);
        assertThat(withOld.statusCode()).as(withOld.body()).isEqualTo(401);
        assertThat(withOld.body()).contains("another client certificate");
        HttpResponse<String> withNew = initialize(after, "https://127.0.0.1:" + node.tlsPort(), fresh);
        assertThat(withNew.statusCode()).as(withNew.body()).isEqualTo(200);

        // Revoking only lowers privilege: the old certificate, still a valid X.509-SVID of the same agent, may end it.
        String revokeForm = OAuthFlowTest.form(Map.of("token", fresh));
        assertThat(firstClosed(tls(before, "/oauth2/revoke", revokeForm, Map.of())))
                .isEqualTo(id);
    }

    /** The first mandate a successful revocation answer lists as closed. */
    private static String firstClosed(Response revoked) throws Exception {
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        return NodeTesting.JSON.readTree(revoked.body()).get("closed").get(0).asText();
    }

    @Test
    void aCertificateBoundTokenIsRevokedWithTheAgentsRenewedSvidWithoutRenewingItAndTheAuditNamesBothCertificates()
            throws Exception {
        KeyPair oldKeys = p256();
        List<X509Certificate> oldSvid = svid(oldKeys);
        String token = NodeTesting.JSON
                .readTree(token(client(oldKeys.getPrivate(), oldSvid), form()).body())
                .get("access_token")
                .asText();
        String id = SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("mdt");
        KeyPair newKeys = p256();
        List<X509Certificate> newSvid = svid(newKeys);
        String revokeForm = OAuthFlowTest.form(Map.of("token", token));

        // Another agent's valid SVID, and a certificate naming the agent that does not verify, are refused as before.
        KeyPair otherKeys = p256();
        Response byOther =
                tls(client(otherKeys.getPrivate(), svid(otherKeys, "other")), "/oauth2/revoke", revokeForm, Map.of());
        assertThat(byOther.status()).as(byOther.body()).isEqualTo(401);
        assertThat(byOther.body()).contains("invalid_client", "spiffe://mandate.local/agent/other", "not the mandate");
        KeyPair forgedKeys = p256();
        X509Certificate forged = certificate(
                "spiffe://mandate.local/agent/bot",
                forgedKeys,
                partnerRoot,
                partnerKey,
                false,
                Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)));
        Response byForged = tls(
                client(forgedKeys.getPrivate(), List.of(forged, partnerRoot)), "/oauth2/revoke", revokeForm, Map.of());
        assertThat(byForged.status()).as(byForged.body()).isEqualTo(401);
        assertThat(byForged.body()).contains("invalid_client");
        NodeTesting.Answer plain = OAuthFlowTest.post(node, "/oauth2/revoke", revokeForm, Map.of());
        assertThat(plain.status()).as(plain.raw()).isEqualTo(401);
        assertThat(NodeTesting.admin(node, "GET", "/v1/mandates/" + id, null)
                        .body()
                        .get("state")
                        .asText())
                .isEqualTo("active");

        assertThat(firstClosed(tls(client(newKeys.getPrivate(), newSvid), "/oauth2/revoke", revokeForm, Map.of())))
                .isEqualTo(id);
        NodeTesting.Answer audit = NodeTesting.admin(node, "GET", "/v1/audit?limit=200", null);
        List<JsonNode> closings = new java.util.ArrayList<>();
        for (JsonNode e : audit.body().get("events")) {
            if (e.get("type").asText().equals("mandate.closed")
                    && e.get("subject").asText().equals(id)) {
                closings.add(e);
            }
        }
        assertThat(closings).as(audit.raw()).hasSize(1);
        JsonNode closed = closings.get(0);
        assertThat(closed.get("details").get("cnf.x5t#S256").asText()).isEqualTo(thumbprint(oldSvid.get(0)));
        assertThat(closed.get("details").get("presented-x5t#S256").asText()).isEqualTo(thumbprint(newSvid.get(0)));
    }

    @Test
    void aSubAgentConnectingWithItsX509SvidIsTheActorOfADelegationWithoutAnActorToken() throws Exception {
        svid(p256(), "bot");
        String botJwtSvid = lastJwtSvid;
        ECKey parentKey = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(Curve.P_256).generate();
        NodeTesting.Answer open = OAuthFlowTest.post(
                node,
                "/oauth2/token",
                OAuthFlowTest.opening(botJwtSvid, OAuthFlowTest.details("support", List.of("crm.read"), 600)),
                Map.of("DPoP", OAuthFlowTest.proof(node, parentKey)));
        assertThat(open.status()).as(open.raw()).isEqualTo(200);
        String parent = open.body().get("access_token").asText();
        KeyPair subKeys = p256();
        List<X509Certificate> subSvid = svid(subKeys, "other");
        HttpClient sub = client(subKeys.getPrivate(), subSvid);
        String delegation = delegationByActor(parent, List.of("crm.read"));

        NodeTesting.Answer plain = OAuthFlowTest.post(node, "/oauth2/token", delegation, Map.of());
        assertThat(plain.status()).as(plain.raw()).isEqualTo(400);
        assertThat(plain.raw()).contains("invalid_request", "TLS listener");

        Response withoutConsent = token(sub, delegation);
        assertThat(withoutConsent.status())
                .as("a bound parent is delegated only with its holder's proof: " + withoutConsent.body())
                .isEqualTo(400);
        assertThat(withoutConsent.body()).contains("invalid_dpop_proof");

        // The parent agent hands the sub-agent its token and one proof over it, for the TLS listener's token endpoint.
        String consent = consentTo(parentKey, parent);
        Response delegated = tls(sub, "/oauth2/token", delegation, Map.of("DPoP", consent));
        assertThat(delegated.status()).as(delegated.body()).isEqualTo(200);
        String child =
                NodeTesting.JSON.readTree(delegated.body()).get("access_token").asText();
        var claims = SignedJWT.parse(child).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("spiffe://mandate.local/agent/other");
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("sub", "spiffe://mandate.local/agent/bot");
        assertThat(claims.getJSONObjectClaim("cnf"))
                .as("bound to the sub-agent's certificate, not to the parent's DPoP key")
                .isEqualTo(Map.of("x5t#S256", thumbprint(subSvid.get(0))));
        HttpResponse<String> used = initialize(sub, "https://127.0.0.1:" + node.tlsPort(), child);
        assertThat(used.statusCode()).as(used.body()).isEqualTo(200);

        Response widened = tls(
                sub,
                "/oauth2/token",
                delegationByActor(parent, List.of("crm.read", "crm.write")),
                Map.of("DPoP", consentTo(parentKey, parent)));
        assertThat(widened.status()).as(widened.body()).isEqualTo(400);
        assertThat(widened.body()).contains("invalid_target");
    }

    @Test
    void aDpopProofSentOverMutualTlsBindsTheTokenToTheKeyInsteadOfTheCertificate() throws Exception {
        KeyPair keys = p256();
        HttpClient bot = client(keys.getPrivate(), svid(keys));
        ECKey dpopKey = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(Curve.P_256).generate();
        String proof = new com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory(
                        dpopKey, com.nimbusds.jose.JWSAlgorithm.ES256)
                .createDPoPJWT("POST", URI.create("https://127.0.0.1:" + node.tlsPort() + "/oauth2/token"))
                .serialize();
        Response r = tls(bot, "/oauth2/token", form(), Map.of("DPoP", proof));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = NodeTesting.JSON.readTree(r.body());
        assertThat(json.get("token_type").asText()).isEqualTo("DPoP");
        assertThat(SignedJWT.parse(json.get("access_token").asText())
                        .getJWTClaimsSet()
                        .getJSONObjectClaim("cnf"))
                .isEqualTo(Map.of("jkt", dpopKey.computeThumbprint().toString()));
    }

    private static HttpResponse<String> initialize(HttpClient client, String base, String token) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(base + "/mcp"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                                        + "\"version\":\"1\"}}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void afterTheCaIsRotatedTheListenerPresentsACertificateFromTheNewRootAtOnce() throws Exception {
        List<X509Certificate> roots = bundleRoots();
        assertThat(roots).hasSize(1);
        X509Certificate oldRoot = roots.get(0);
        X509Certificate before = listenerLeaf(oldRoot);
        before.verify(oldRoot.getPublicKey());

        NodeTesting.Answer rotated = NodeTesting.admin(node, "POST", "/v1/trust-domain/rotate-ca", null);
        assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
        String serial = rotated.body().get("serial").asText();
        X509Certificate newRoot = bundleRoots().stream()
                .filter(r -> r.getSerialNumber().toString(16).equals(serial))
                .findFirst()
                .orElseThrow();

        // Not at half its lifetime (svid.x509-ttl): the listener re-issues its certificate as the rotation happens.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        X509Certificate now = listenerLeaf(oldRoot, newRoot);
        while (!issuedBy(now, newRoot)) {
            assertThat(System.nanoTime())
                    .as("the listener moved to the new root")
                    .isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(
                    Duration.ofMillis(20).toNanos());
            now = listenerLeaf(oldRoot, newRoot);
        }
        assertThat(now.getSubjectAlternativeNames()).containsExactlyElementsOf(before.getSubjectAlternativeNames());
        assertThat(now.getPublicKey()).as("a fresh key").isNotEqualTo(before.getPublicKey());
        // A client that trusts only the new root (the bundle once the old one has gone) connects.
        assertThat(listenerLeaf(newRoot)).isEqualTo(now);
    }

    private List<X509Certificate> bundleRoots() throws Exception {
        NodeTesting.Answer bundle = NodeTesting.call(node, "GET", "/.well-known/spiffe-bundle.json", null, null);
        return dev.mandate.core.identity.TrustBundle.parse("mandate.local", bundle.raw())
                .x509Authorities();
    }

    private static boolean issuedBy(X509Certificate leaf, X509Certificate root) {
        try {
            leaf.verify(root.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** The leaf the TLS listener presents now to a client trusting {@code roots} (a fresh context: no resumption). */
    private X509Certificate listenerLeaf(X509Certificate... roots) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trusting(roots), null);
        try (javax.net.ssl.SSLSocket socket =
                (javax.net.ssl.SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", node.tlsPort())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private record Response(int status, String body) {}

    private Response token(HttpClient client, String body) throws Exception {
        return tls(client, "/oauth2/token", body, Map.of());
    }

    private Response tls(HttpClient client, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.tlsPort() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    private static String thumbprint(X509Certificate certificate) throws Exception {
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    /** Opens a mandate over the TLS listener with {@code client}'s certificate and returns its access token. */
    private String accessToken(HttpClient client) throws Exception {
        return NodeTesting.JSON
                .readTree(token(client, form()).body())
                .get("access_token")
                .asText();
    }

    /**
     * The form of a delegation of {@code parent} to the agent of the client certificate that sends it: no actor
     * token, the certificate names the actor.
     */
    private static String delegationByActor(String parent, List<String> tools) throws Exception {
        return OAuthFlowTest.form(Map.of(
                "grant_type",
                OAuthFlowTest.EXCHANGE,
                "subject_token",
                parent,
                "subject_token_type",
                OAuthFlowTest.ACCESS,
                "authorization_details",
                OAuthFlowTest.details("support", tools, 300)));
    }

    /** The parent holder's DPoP proof over {@code parent}, for the TLS listener's token endpoint: its consent. */
    private String consentTo(ECKey parentKey, String parent) throws Exception {
        return new com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory(parentKey, com.nimbusds.jose.JWSAlgorithm.ES256)
                .createDPoPJWT(
                        "POST",
                        URI.create("https://127.0.0.1:" + node.tlsPort() + "/oauth2/token"),
                        new com.nimbusds.oauth2.sdk.token.DPoPAccessToken(parent))
                .serialize();
    }

    private static String form() throws Exception {
        return OAuthFlowTest.form(Map.of(
                "grant_type",
                OAuthFlowTest.EXCHANGE,
                "authorization_details",
                OAuthFlowTest.details("support", List.of("crm.read"), 600)));
    }

    /** The agent's X.509-SVID from the node's embedded trust domain, through the public join flow. */
    private List<X509Certificate> svid(KeyPair keys) throws Exception {
        return svid(keys, "bot");
    }

    private List<X509Certificate> svid(KeyPair keys, String agent) throws Exception {
        JsonNode svids =
                NodeTesting.joinSvids(node, agent, keys, List.of("mandate", "http://127.0.0.1:" + node.port()));
        lastJwtSvid = svids.get("jwtSvid").asText();
        return Pem.decodeCertificates(svids.get("x509Svid").asText());
    }

    /** A TLS client that trusts the node's embedded trust domain and presents {@code chain} (none if empty). */
    private HttpClient client(@Nullable PrivateKey key, List<X509Certificate> chain) throws Exception {
        NodeTesting.Answer bundle = NodeTesting.call(node, "GET", "/.well-known/spiffe-bundle.json", null, null);
        List<X509Certificate> roots = dev.mandate.core.identity.TrustBundle.parse("mandate.local", bundle.raw())
                .x509Authorities();
        SSLContext ssl = SSLContext.getInstance("TLS");
        javax.net.ssl.KeyManager[] keyManagers = null;
        if (key != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("agent", key, "pw".toCharArray(), chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "pw".toCharArray());
            keyManagers = kmf.getKeyManagers();
        }
        ssl.init(keyManagers, trusting(roots.toArray(X509Certificate[]::new)), null);
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static javax.net.ssl.TrustManager[] trusting(X509Certificate... roots) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < roots.length; i++) {
            ts.setCertificateEntry("root-" + i, roots[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A test CA's certificate: a self-signed root when {@code issuer} is null, else an SVID leaf it signs. */
    private static X509Certificate certificate(
            String spiffeId,
            KeyPair subject,
            @Nullable X509Certificate issuer,
            PrivateKey issuerKey,
            boolean ca,
            Instant notBefore,
            Instant notAfter)
            throws Exception {
        X500Name name = new X500Name("CN=" + spiffeId.replace(':', '-').replace('/', '-'));
        X500Name issuerName = issuer == null
                ? name
                : new X500Name(issuer.getSubjectX500Principal().getName());
        var b = new JcaX509v3CertificateBuilder(
                issuerName,
                BigInteger.valueOf(System.nanoTime()),
                Date.from(notBefore),
                Date.from(notAfter),
                name,
                subject.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
        b.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }
}

package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class IdentityFilesTest {
    @TempDir
    Path tmp;

    private static String sign(ECKey key, String iss, String sub, String aud) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .audience(aud)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))));
        if (!iss.isEmpty()) {
            claims.issuer(iss);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void bundlesOfOtherTrustDomainsAreTrustedForJwtSvids() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256)
                .keyID("ext-1")
                .keyUse(TrustBundle.JWT_SVID)
                .generate();
        Path dir = Files.createDirectories(tmp.resolve("bundles"));
        Files.writeString(
                dir.resolve("example.org.json"),
                "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}");
        Files.writeString(dir.resolve("README.txt"), "not a bundle, not read");
        try (MandateNode node = MandateNode.start(
                NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.TRUST_BUNDLE_DIR, dir.toString())))) {
            String token = sign(key, "", "spiffe://example.org/workload/etl", "mandate");
            assertThat(node.workloadVerifier()
                            .verifyJwtSvid(token, "mandate")
                            .id()
                            .trustDomain())
                    .isEqualTo("example.org");
            assertThat(node.principalVerifier()).isEmpty();
        }
    }

    @Test
    void aBundleForTheEmbeddedTrustDomainOrAnInvalidOneStopsStartUpNamingTheKeyAndFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bundles"));
        Path own = Files.writeString(dir.resolve("mandate.local.json"), "{\"keys\":[]}");
        assertThatThrownBy(() -> MandateNode.start(
                        NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.TRUST_BUNDLE_DIR, dir.toString()))))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("identity.trust-bundle-dir")
                .hasMessageContaining("embedded trust domain")
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
        Files.delete(own);
        Path broken = Files.writeString(dir.resolve("example.org.json"), "{\"keys\":[{\"use\":\"jwt-svid\"");
        assertThatThrownBy(() -> MandateNode.start(
                        NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.TRUST_BUNDLE_DIR, dir.toString()))))
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("not a JWK set");
    }

    @Test
    void aConfiguredOidcIssuerVerifiesIdTokens() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        Path jwks = Files.writeString(tmp.resolve("idp.json"), new JWKSet(key).toString(true));
        try (MandateNode node = MandateNode.start(NodeTesting.config(
                tmp.resolve("data"),
                Map.of(
                        ConfigKey.OIDC_ISSUER,
                        "https://idp.example.com",
                        ConfigKey.OIDC_JWKS_FILE,
                        jwks.toString(),
                        ConfigKey.OIDC_AUDIENCE,
                        "mandate-test")))) {
            String idToken = sign(key, "https://idp.example.com", "alice", "mandate-test");
            assertThat(node.principalVerifier()
                            .orElseThrow()
                            .verifyIdToken(idToken)
                            .subject())
                    .isEqualTo("alice");
        }
    }

    @Test
    void anOidcIssuerWithoutKeysStopsStartUp() {
        assertThatThrownBy(() -> NodeTesting.config(
                        tmp.resolve("data"), Map.of(ConfigKey.OIDC_ISSUER, "https://idp.example.com")))
                .hasMessageContaining("'oidc.issuer'")
                .hasMessageContaining("'oidc.jwks-file'")
                .hasMessageContaining("go together");
        Path missing = tmp.resolve("missing.json");
        assertThatThrownBy(() -> MandateNode.start(NodeTesting.config(
                        tmp.resolve("data"),
                        Map.of(ConfigKey.OIDC_ISSUER, "https://idp", ConfigKey.OIDC_JWKS_FILE, missing.toString()))))
                .hasMessageContaining("oidc.jwks-file")
                .hasMessageContaining(missing.toString());
        assertThat(List.of(ConfigKey.values())).contains(ConfigKey.OIDC_AUDIENCE);
    }

    @Test
    void severalIssuersFromDiscoveryDocumentsOnDiskVerifyTheirOwnIdTokens() throws Exception {
        ECKey main = new ECKeyGenerator(Curve.P_256).keyID("main-1").generate();
        ECKey corp = new ECKeyGenerator(Curve.P_256).keyID("corp-1").generate();
        ECKey partner = new ECKeyGenerator(Curve.P_256).keyID("partner-1").generate();
        Path mainJwks = Files.writeString(tmp.resolve("main.jwks"), new JWKSet(main).toString(true));
        Path dir = Files.createDirectories(tmp.resolve("issuers"));
        Files.writeString(dir.resolve("corp.jwks"), new JWKSet(corp).toString(true));
        Files.writeString(
                dir.resolve("corp.json"),
                "{\"issuer\":\"https://login.corp.example\",\"jwks_uri\":\"corp.jwks\","
                        + "\"authorization_endpoint\":\"https://login.corp.example/authorize\"}");
        Path partnerJwks = Files.writeString(tmp.resolve("partner.jwks"), new JWKSet(partner).toString(true));
        Files.writeString(
                dir.resolve("partner.json"),
                "{\"issuer\":\"https://idp.partner.example\",\"jwks_uri\":\"" + partnerJwks.toUri()
                        + "\",\"client_id\":\"mandate-at-partner\"}");
        Files.writeString(dir.resolve("notes.txt"), "not an issuer, not read");
        try (MandateNode node = MandateNode.start(NodeTesting.config(
                tmp.resolve("data"),
                Map.of(
                        ConfigKey.OIDC_ISSUER, "https://idp.example.com",
                        ConfigKey.OIDC_JWKS_FILE, mainJwks.toString(),
                        ConfigKey.OIDC_ISSUER_DIR, dir.toString())))) {
            var principals = node.principalVerifier().orElseThrow();
            assertThat(principals
                            .verifyIdToken(sign(main, "https://idp.example.com", "alice", "mandate"))
                            .subject())
                    .isEqualTo("alice");
            assertThat(principals
                            .verifyIdToken(sign(corp, "https://login.corp.example", "bob", "mandate"))
                            .subject())
                    .isEqualTo("bob");
            assertThat(principals
                            .verifyIdToken(sign(partner, "https://idp.partner.example", "carol", "mandate-at-partner"))
                            .subject())
                    .isEqualTo("carol");
            assertThatThrownBy(() ->
                            principals.verifyIdToken(sign(partner, "https://idp.partner.example", "carol", "mandate")))
                    .as("the partner issues to its own client id")
                    .isInstanceOf(MandateException.class);
            assertThatThrownBy(() -> principals.verifyIdToken(
                            sign(corp, "https://idp.partner.example", "mallory", "mandate-at-partner")))
                    .as("one issuer's key does not sign for another")
                    .isInstanceOf(MandateException.class);
        }
    }

    @Test
    void aBadDiscoveryDocumentStopsStartUpNamingTheKeyTheFileAndTheRule() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("issuers"));
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        Files.writeString(dir.resolve("keys.jwks"), new JWKSet(key).toString(true));
        var config = NodeTesting.config(tmp.resolve("data"), Map.of(ConfigKey.OIDC_ISSUER_DIR, dir.toString()));
        record Case(String document, String message) {}
        List<Case> cases = List.of(
                new Case("{\"jwks_uri\":\"keys.jwks\"}", "needs 'issuer'"),
                new Case("{\"issuer\":\"https://a.example\"}", "needs 'jwks_uri'"),
                new Case("{\"issuer\":\"http://a.example\",\"jwks_uri\":\"keys.jwks\"}", "must be an https URL"),
                new Case(
                        "{\"issuer\":\"https://a.example\",\"jwks_uri\":\"https://a.example/jwks\"}",
                        "Mandate fetches none"),
                new Case("{\"issuer\":\"https://a.example\",\"jwks_uri\":\"missing.jwks\"}", "cannot be read"),
                new Case("[1,2]", "not a JSON object"),
                new Case(
                        "{\"issuer\":\"https://a.example\",\"jwks_uri\":\"keys.jwks\",\"client_id\":7}",
                        "client_id must be a string"));
        Path doc = dir.resolve("a.json");
        for (Case c : cases) {
            Files.writeString(doc, c.document());
            assertThatThrownBy(() -> IdentityFiles.oidcIssuers(config))
                    .as(c.document())
                    .isInstanceOf(MandateException.class)
                    .hasMessageContaining("'oidc.issuer-dir'")
                    .hasMessageContaining(c.message())
                    .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
        }
        Files.writeString(doc, "{\"issuer\":\"https://a.example\",\"jwks_uri\":\"keys.jwks\"}");
        Files.writeString(dir.resolve("b.json"), "{\"issuer\":\"https://a.example\",\"jwks_uri\":\"keys.jwks\"}");
        assertThatThrownBy(() -> IdentityFiles.oidcIssuers(config))
                .hasMessageContaining("b.json")
                .hasMessageContaining("configured twice");
        Files.delete(dir.resolve("b.json"));
        assertThat(IdentityFiles.oidcIssuers(config)).singleElement().satisfies(i -> {
            assertThat(i.issuer()).isEqualTo("https://a.example");
            assertThat(i.audience()).isEqualTo("mandate");
        });
    }

    @Test
    void theTlsListenerServesTheCertificateOfThePemFilesAndRefusesAKeyOfAnotherKind() throws Exception {
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = ec.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name("CN=mandate.test");
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                name,
                java.math.BigInteger.TEN,
                Date.from(Instant.now().minus(Duration.ofHours(1))),
                Date.from(Instant.now().plus(Duration.ofHours(1))),
                name,
                pair.getPublic());
        builder.addExtension(
                org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
                false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")));
        java.security.cert.X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(
                        builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                                .build(pair.getPrivate())));
        Path certFile =
                Files.writeString(tmp.resolve("server.crt"), dev.mandate.core.identity.Pem.encode(List.of(cert)));
        Path keyFile = tmp.resolve("server.key");
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(Files.newBufferedWriter(keyFile))) {
            w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));
        }
        Map<ConfigKey, String> tls = Map.of(
                ConfigKey.TLS_LISTEN, "127.0.0.1:0",
                ConfigKey.TLS_CERT_FILE, certFile.toString(),
                ConfigKey.TLS_KEY_FILE, keyFile.toString());
        try (MandateNode node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), tls))) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", cert);
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            var response = java.net.http.HttpClient.newBuilder()
                    .sslContext(ssl)
                    .build()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("https://127.0.0.1:" + node.tlsPort() + "/healthz"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(node.port()).isNotEqualTo(node.tlsPort());
            assertThat(NodeTesting.call(node, "GET", "/healthz", null, null).status())
                    .as("the plain listener still answers")
                    .isEqualTo(200);
        }

        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(Files.newBufferedWriter(keyFile))) {
            w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                    rsa.generateKeyPair().getPrivate(), null));
        }
        assertThatThrownBy(() -> MandateNode.start(NodeTesting.config(tmp.resolve("data"), tls)))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("server.tls.key-file")
                .hasMessageContaining("RSA key but the certificate's key is EC");
        assertThatThrownBy(() -> NodeTesting.config(
                        tmp.resolve("data"),
                        Map.of(ConfigKey.TLS_LISTEN, "127.0.0.1:0", ConfigKey.TLS_CERT_FILE, certFile.toString())))
                .hasMessageContaining("'server.tls.cert-file'")
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> NodeTesting.config(
                        tmp.resolve("data"),
                        Map.of(ConfigKey.TLS_LISTEN, "127.0.0.1:0", ConfigKey.TLS_CLIENT_AUTH, "maybe")))
                .hasMessageContaining("server.tls.client-auth")
                .hasMessageContaining("want");
    }
}

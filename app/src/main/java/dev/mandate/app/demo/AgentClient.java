package dev.mandate.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What a real agent does, over the node's public HTTP APIs only: present a join token and a CSR for its SVID,
 * exchange the JWT-SVID for a DPoP-bound mandate token (RFC 8693 + RFC 9449), delegate to a sub-agent, and call
 * tools through the gateway with the MCP Java SDK client, a fresh DPoP proof on every request.
 */
final class AgentClient {
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
    static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";

    /** A mandate as the agent holds it. */
    record Held(String mandateId, String token, ECKey key) {}

    private final Http http;
    private final String name;
    private final ECKey dpopKey;
    private String svid = "";

    AgentClient(Http http, String name) {
        this.http = http;
        this.name = name;
        this.dpopKey = generate();
    }

    String name() {
        return name;
    }

    /** Redeems a one-time join token for a JWT-SVID whose audience is the node. */
    String join(String joinToken) {
        JsonNode svids = http.json(
                        "POST",
                        "/v1/svid",
                        Map.of("joinToken", joinToken, "csr", csr(), "audience", List.of(http.base())),
                        Map.of())
                .ok("POST /v1/svid");
        svid = svids.path("jwtSvid").asText();
        return svids.path("spiffeId").asText(svids.path("id").asText(""));
    }

    /** Exchanges the agent's SVID for a DPoP-bound mandate token. */
    Held open(String purpose, List<String> tools, int ttlSeconds) {
        return exchange(
                Map.of("subject_token", svid, "subject_token_type", JWT), purpose, tools, ttlSeconds, null, null);
    }

    /**
     * Exchanges the agent's SVID for a DPoP-bound mandate that acts for a person: the person's ID token goes in the
     * mandate detail as {@code on_behalf_of}, and the mandate keeps the person's clearance.
     */
    Held openFor(String idToken, String purpose, List<String> tools, int ttlSeconds) {
        return exchange(
                Map.of("subject_token", svid, "subject_token_type", JWT), purpose, tools, ttlSeconds, null, idToken);
    }

    /**
     * Delegates part of a mandate this agent holds to a sub-agent: the holder of a DPoP-bound parent delegates (its
     * proof carries the parent token's hash), presents the sub-agent's SVID as the actor and binds the child to the
     * sub-agent's key ({@code dpop_jkt}); the child token is then handed to the sub-agent.
     */
    Held delegateTo(Held parent, AgentClient sub, String purpose, List<String> tools, int ttlSeconds) {
        String subKey;
        try {
            subKey = sub.dpopKey.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot compute a key thumbprint: " + e, e);
        }
        Held child = exchange(
                Map.of(
                        "subject_token", parent.token(),
                        "subject_token_type", ACCESS,
                        "actor_token", sub.svid,
                        "actor_token_type", JWT,
                        "dpop_jkt", subKey),
                purpose,
                tools,
                ttlSeconds,
                parent.token(),
                null);
        return new Held(child.mandateId(), child.token(), sub.dpopKey);
    }

    private Held exchange(
            Map<String, String> tokens,
            String purpose,
            List<String> tools,
            int ttlSeconds,
            @org.jspecify.annotations.Nullable String presented,
            @org.jspecify.annotations.Nullable String onBehalfOf) {
        Map<String, String> form = new LinkedHashMap<>(tokens);
        form.put("grant_type", EXCHANGE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", "mandate");
        details.put("purpose", purpose);
        details.put("tools", tools);
        details.put("ttl", ttlSeconds);
        if (onBehalfOf != null) {
            details.put("on_behalf_of", onBehalfOf);
        }
        try {
            form.put("authorization_details", Http.JSON.writeValueAsString(List.of(details)));
        } catch (IOException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot write authorization_details: " + e, e);
        }
        String tokenUrl = http.base() + "/oauth2/token";
        JsonNode answer = http.form("/oauth2/token", form, Map.of("DPoP", proof("POST", tokenUrl, presented)))
                .ok("POST /oauth2/token");
        return new Held(
                answer.path("mandate_id").asText(), answer.path("access_token").asText(), dpopKey);
    }

    /** An MCP client through the gateway holding this mandate; the caller closes it. */
    McpSyncClient mcp(Held mandate) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(http.base())
                .endpoint("/mcp")
                .httpRequestCustomizer((builder, method, uri, body, context) -> builder.header(
                                "Authorization", "DPoP " + mandate.token())
                        .header("DPoP", proof(method, uri.toString(), mandate.token())))
                .build();
        McpSyncClient client =
                McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }

    /** A DPoP proof (RFC 9449) for one request, bound to the access token when there is one. */
    @SuppressWarnings("JavaUtilDate") // Nimbus's claims builder takes a Date for iat
    private String proof(String method, String url, @org.jspecify.annotations.Nullable String accessToken) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .claim("htm", method)
                .claim("htu", stripQuery(url))
                .issueTime(new Date());
        if (accessToken != null) {
            claims.claim("ath", Base64URL.encode(sha256(accessToken)).toString());
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(new JOSEObjectType("dpop+jwt"))
                        .jwk(dpopKey.toPublicJWK())
                        .build(),
                claims.build());
        try {
            jwt.sign(new ECDSASigner(dpopKey));
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot sign a DPoP proof: " + e, e);
        }
        return jwt.serialize();
    }

    private static String stripQuery(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot generate a P-256 key: " + e, e);
        }
    }

    /** A PKCS#10 request for the agent's X.509-SVID, signed with a key of its own. */
    private static String csr() {
        try {
            KeyPair pair = generate().toKeyPair();
            var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=agent"), pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
                w.writeObject(request);
            }
            return pem.toString();
        } catch (JOSEException | OperatorCreationException | IOException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot create a CSR: " + e, e);
        }
    }
}

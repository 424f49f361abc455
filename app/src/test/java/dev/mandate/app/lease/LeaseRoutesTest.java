package dev.mandate.app.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.app.config.CredentialsConfig;
import dev.mandate.app.config.HostPort;
import dev.mandate.app.http.AdminToken;
import dev.mandate.app.http.HttpServer;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.credential.IssuedLease;
import dev.mandate.core.credential.LeaseTerms;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LeaseRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = "spiffe://mandate.local/agent/support-bot";
    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofMinutes(5), Duration.ofMinutes(5), false);

    @TempDir
    Path dataDir;

    private final List<AuditEntry> audit = new ArrayList<>();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Database database;
    private LeaseModule leases;
    private HttpServer server;

    /** Signing keys for the test: one EC key made by Nimbus. */
    static final class TestKeys implements SigningKeys {
        private final ECKey key;

        TestKeys() throws JOSEException {
            key = new ECKeyGenerator(Curve.P_256).keyID("t").generate();
        }

        @Override
        public String sign(JWTClaimsSet claims, JOSEObjectType type) {
            try {
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.ES256)
                                .keyID("t")
                                .type(type)
                                .build(),
                        claims);
                jwt.sign(new ECDSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public JWTClaimsSet verify(String jwt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JWKSet publicJwks() {
            return new JWKSet(key.toPublicJWK());
        }
    }

    @BeforeEach
    void start() throws Exception {
        database = Database.openEmbedded(dataDir);
        CredentialsConfig config = new CredentialsConfig(List.of(new CredentialsConfig.SignedToken(
                "tickets", "https://tickets.example/api", Duration.ofMinutes(5), Map.of("read", "tickets:read"))));
        leases = LeaseModule.start(
                config, database, audit::add, new TestKeys(), "https://mandate.test", Clock.systemUTC());
        server = HttpServer.start(
                new HttpServer.Settings(
                        new HostPort("127.0.0.1", 0),
                        Duration.ofSeconds(5),
                        1 << 20,
                        JSON,
                        AdminToken.loadOrCreate(dataDir),
                        null),
                () -> true,
                List.of(leases.routes()));
    }

    @AfterEach
    void stop() {
        server.close();
        leases.close();
        database.close();
    }

    private IssuedLease issue(String mandate) {
        return leases.manager()
                .issue(mandate, AGENT, "tickets", "read", TERMS, Instant.now().plusSeconds(3600));
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header(
                        "Authorization",
                        "Bearer "
                                + Files.readString(dataDir.resolve(AdminToken.FILE_NAME))
                                        .strip())
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(method, path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void listFiltersAndNeverShowsTheSecret() throws Exception {
        IssuedLease a = issue("m1");
        issue("m2");

        JsonNode all = ok("GET", "/v1/leases", "");
        JsonNode m1 = ok("GET", "/v1/leases?mandate=m1&state=active", "");

        assertThat(all.get("leases")).hasSize(2);
        assertThat(m1.get("leases")).hasSize(1);
        assertThat(m1.get("leases").get(0).get("id").asText())
                .isEqualTo(a.lease().id());
        assertThat(m1.get("leases").get(0).get("backend").asText()).isEqualTo("tickets");
        assertThat(all.toString()).doesNotContain(a.credential().secret().reveal());
    }

    @Test
    void getAndRevokeOneLease() throws Exception {
        IssuedLease a = issue("m1");

        assertThat(ok("GET", "/v1/leases/" + a.lease().id(), "").get("state").asText())
                .isEqualTo("active");
        JsonNode revoked = ok("POST", "/v1/leases/" + a.lease().id() + "/revoke", "{\"reason\":\"incident 7\"}");

        assertThat(revoked.get("state").asText()).isEqualTo("revoked");
        assertThat(revoked.get("endReason").asText()).isEqualTo("incident 7");
        assertThat(ok("GET", "/v1/leases?state=revoked", "").get("leases")).hasSize(1);
        assertThat(audit)
                .filteredOn(e -> e.type().equals("lease.revoked"))
                .singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("admin"));
    }

    @Test
    void metricsCountActiveLeasesPerBackendAndRevocations() throws Exception {
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        LeaseMetrics.bind(registry, leases.manager());
        IssuedLease a = issue("m1");
        issue("m2");
        leases.manager().revoke(a.lease().id(), "admin", "done");

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("mandate_leases_active{backend=\"tickets\"} 1.0")
                .contains("mandate_leases_revoking{backend=\"tickets\"} 0.0")
                .contains("mandate_lease_revocation_seconds_count 1");
    }

    @Test
    void bulkRevokeEndsEveryLeaseOfAMandateOrAnAgent() throws Exception {
        issue("m1");
        issue("m1");
        IssuedLease other = issue("m2");

        JsonNode byMandate = ok("POST", "/v1/leases/revoke", "{\"mandate\":\"m1\",\"reason\":\"task aborted\"}");
        assertThat(byMandate.get("leases"))
                .hasSize(2)
                .allSatisfy(l -> assertThat(l.get("state").asText()).isEqualTo("revoked"));
        assertThat(ok("GET", "/v1/leases/" + other.lease().id(), "")
                        .get("state")
                        .asText())
                .isEqualTo("active");

        JsonNode byAgent = ok("POST", "/v1/leases/revoke", "{\"agent\":\"" + AGENT + "\"}");
        assertThat(byAgent.get("leases")).hasSize(1);
        assertThat(send("POST", "/v1/leases/revoke", "{\"mandate\":\"m1\",\"agent\":\"x\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "/v1/leases/revoke", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void unknownLeaseIsNotFoundAndBadFiltersAreBadRequests() throws Exception {
        assertThat(send("GET", "/v1/leases/nope", "").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/v1/leases/nope/revoke", "").statusCode()).isEqualTo(404);
        HttpResponse<String> badState = send("GET", "/v1/leases?state=zombie", "");
        assertThat(badState.statusCode()).isEqualTo(400);
        assertThat(badState.body()).contains("zombie");
        assertThat(send("GET", "/v1/leases?limit=5000", "").statusCode()).isEqualTo(400);
    }

    @Test
    void signedTokenBackendWithoutSigningKeysRefusesStartUpNamingTheKey() {
        CredentialsConfig config = new CredentialsConfig(List.of(new CredentialsConfig.SignedToken(
                "tickets", "https://tickets.example/api", Duration.ofMinutes(5), Map.of("read", "tickets:read"))));
        assertThatThrownBy(() -> LeaseModule.start(config, database, audit::add, null, "m", Clock.systemUTC()))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("credentials.backends.tickets");
    }

    @Test
    void badScopeTemplateRefusesStartUpNamingTheKey() {
        CredentialsConfig config = new CredentialsConfig(List.of(new CredentialsConfig.PostgresRole(
                "pg-orders",
                "jdbc:postgresql://127.0.0.1:1/shop",
                "admin",
                "",
                Map.of("read-orders", "SELECT ON orders; DROP TABLE orders"))));
        assertThatThrownBy(() -> LeaseModule.start(config, database, audit::add, null, "m", Clock.systemUTC()))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("credentials.backends.pg-orders.scopes.read-orders");
    }

    @Test
    void aRestartWithoutABackendThatLiveLeasesNeedRefusesStartUp() {
        issue("m1");
        leases.close();

        assertThatThrownBy(() ->
                        LeaseModule.start(CredentialsConfig.NONE, database, audit::add, null, "m", Clock.systemUTC()))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("credentials.backends.tickets");
    }
}

package dev.mandate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.testing.InMemoryLeaseStore;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.core.testing.TestSigningKeys;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class SignedTokenBackendTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private static final String AGENT = "spiffe://mandate.local/agent/support-bot";
    private static final String API = "https://tickets.example.internal/api";

    private final MutableClock clock = new MutableClock(T0);
    private final TestSigningKeys keys = new TestSigningKeys();
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final SignedTokenBackend backend = new SignedTokenBackend(
            "tickets",
            "https://mandate.example",
            API,
            Map.of("read", "tickets:read", "triage", "tickets:read tickets:label"),
            Duration.ofMinutes(10),
            keys,
            clock);
    private final LeaseManager manager =
            new LeaseManager(new InMemoryLeaseStore(), List.of(backend), audit, clock, RevocationBackoff.DEFAULT);

    /** Verifies a token the way a downstream would: find the key by kid in the published JWKS. */
    private JWTClaimsSet verifyFromJwks(String token) throws ParseException, JOSEException {
        SignedJWT jwt = SignedJWT.parse(token);
        String jwksJson = keys.publicJwks().toString();
        ECKey published =
                (ECKey) JWKSet.parse(jwksJson).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(published).isNotNull();
        assertThat(published.isPrivate()).isFalse();
        assertThat(jwt.verify(new ECDSAVerifier(published))).isTrue();
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        return jwt.getJWTClaimsSet();
    }

    @Test
    void tokenCarriesAudienceScopeShortExpiryMandateAndActorAndVerifiesFromTheJwks() throws Exception {
        IssuedLease issued = manager.issue(
                "m-42",
                AGENT,
                "tickets",
                "triage",
                new LeaseTerms(Duration.ofMinutes(5), Duration.ofMinutes(5), false),
                T0.plus(Duration.ofHours(1)));

        JWTClaimsSet claims = verifyFromJwks(issued.credential().secret().reveal());

        assertThat(claims.getAudience()).containsExactly(API);
        assertThat(claims.getStringClaim("scope")).isEqualTo("tickets:read tickets:label");
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(T0);
        assertThat(claims.getStringClaim("mdt")).isEqualTo("m-42");
        assertThat(claims.getJSONObjectClaim("act")).containsEntry("sub", AGENT);
        assertThat(claims.getSubject()).isEqualTo(AGENT);
        assertThat(claims.getJWTID()).isEqualTo(issued.lease().id());
        assertThat(claims.getIssuer()).isEqualTo("https://mandate.example");
        assertThat(issued.credential().properties()).containsEntry("header", "Authorization");
        assertThat(issued.toString())
                .doesNotContain(issued.credential().secret().reveal());
    }

    @Test
    void tokenLifetimeIsCappedAtTheConfiguredMaximum() throws Exception {
        IssuedLease issued = manager.issue(
                "m1",
                AGENT,
                "tickets",
                "read",
                new LeaseTerms(Duration.ofMinutes(30), Duration.ofMinutes(30), false),
                T0.plus(Duration.ofHours(1)));

        JWTClaimsSet claims = verifyFromJwks(issued.credential().secret().reveal());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(issued.credential().properties())
                .containsEntry("expires", T0.plus(Duration.ofMinutes(10)).toString());
    }

    @Test
    void tokensCannotBeRenewedButRevocationEndsTheLease() {
        IssuedLease issued = manager.issue(
                "m1",
                AGENT,
                "tickets",
                "read",
                new LeaseTerms(Duration.ofMinutes(5), Duration.ofMinutes(10), true),
                T0.plus(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(1));

        assertThatThrownBy(() -> manager.renew(issued.lease().id(), AGENT, T0.plus(Duration.ofHours(1))))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("new lease");
        assertThat(manager.revoke(issued.lease().id(), "admin", "done").state()).isEqualTo(LeaseState.REVOKED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tickets:read  double-space", "quote\"inside", "back\\slash", " leading"})
    void badScopeTemplateIsRefusedNamingTheKey(String scope) {
        assertThatThrownBy(() -> new SignedTokenBackend(
                        "tickets", "https://m", API, Map.of("read", scope), Duration.ofMinutes(5), keys, clock))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("credentials.backends.tickets.scopes.read");
    }

    @Test
    void relativeAudienceAndOverlongLifetimeAreRefused() {
        assertThatThrownBy(() -> new SignedTokenBackend(
                        "tickets", "https://m", "tickets", Map.of("r", "a"), Duration.ofMinutes(5), keys, clock))
                .hasMessageContaining("credentials.backends.tickets.audience");
        assertThatThrownBy(() -> new SignedTokenBackend(
                        "tickets", "https://m", API, Map.of("r", "a"), Duration.ofHours(2), keys, clock))
                .hasMessageContaining("credentials.backends.tickets.max-lifetime");
    }
}

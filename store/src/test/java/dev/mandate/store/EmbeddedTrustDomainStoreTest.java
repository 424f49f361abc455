package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.identity.AgentRegistration;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.EmbeddedTrustDomain;
import dev.mandate.core.identity.IdentityException;
import dev.mandate.core.identity.IdentityFailure;
import dev.mandate.core.identity.IssuedSvids;
import dev.mandate.core.identity.SpiffeWorkloadVerifier;
import dev.mandate.core.mandate.Tier;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The embedded trust domain on the real stores: its CA, keys and join tokens survive a restart. */
final class EmbeddedTrustDomainStoreTest {
    private static final EmbeddedTrustDomain.Settings SETTINGS = new EmbeddedTrustDomain.Settings(
            "mandate.local",
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            Duration.ofMinutes(10),
            Duration.ofHours(1),
            Duration.ofSeconds(30));

    @TempDir
    Path dir;

    private final List<AuditEntry> audit = new ArrayList<>();
    private final Clock clock = Clock.systemUTC();

    private static Database reopen(TestDatabases.Kind kind, Path dir, String pgUrl) {
        return kind == TestDatabases.Kind.H2 ? Database.openEmbedded(dir) : Database.open(pgUrl, "postgres", "", 2);
    }

    private EmbeddedTrustDomain domain(Database db) {
        AgentRegistry agents = new AgentRegistry(new JdbcAgentDirectory(db), audit::add, clock, "mandate.local");
        return EmbeddedTrustDomain.open(
                SETTINGS, new JdbcKeyRepository(db), new JdbcJoinTokenRepository(db), agents, audit::add, clock);
    }

    private static String csr() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }
        return out.toString();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void svidsIssuedBeforeARestartVerifyAfterItAndJoinTokensStayOneTime(TestDatabases.Kind kind) throws Exception {
        String pgUrl = TestDatabases.freshPostgresUrl();
        IssuedSvids before;
        String pending;
        try (Database db = reopen(kind, dir, pgUrl)) {
            EmbeddedTrustDomain domain = domain(db);
            new AgentRegistry(new JdbcAgentDirectory(db), audit::add, clock, "mandate.local")
                    .register(new AgentRegistration("bot", "team", Tier.COPILOT, Set.of(), null, null), "admin");
            before = domain.issue(domain.createJoinToken("bot", "admin").token(), csr(), List.of("mandate"));
            pending = domain.createJoinToken("bot", "admin").token();
        }
        try (Database db = reopen(kind, dir, pgUrl)) {
            EmbeddedTrustDomain domain = domain(db);
            SpiffeWorkloadVerifier verifier = new SpiffeWorkloadVerifier(domain, clock, Duration.ZERO);
            assertThat(verifier.verifyJwtSvid(before.jwtSvid(), "mandate").id()).isEqualTo(before.id());
            assertThat(verifier.verifyX509Svid(before.x509Chain()).id()).isEqualTo(before.id());
            assertThat(domain.issue(pending, csr(), List.of("mandate")).id()).isEqualTo(before.id());
            assertThatThrownBy(() -> domain.issue(pending, csr(), List.of("mandate")))
                    .isInstanceOf(IdentityException.class)
                    .satisfies(e -> assertThat(((IdentityException) e).failure())
                            .isEqualTo(IdentityFailure.INVALID_JOIN_TOKEN));
        }
        assertThat(audit)
                .extracting(AuditEntry::type)
                .filteredOn("key.rotated"::equals)
                .hasSize(2);
    }
}

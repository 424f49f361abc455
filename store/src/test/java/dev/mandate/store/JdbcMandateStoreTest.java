package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.OpenRequest;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.testing.TestSigningKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class JdbcMandateStoreTest {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");

    @TempDir
    Path tmp;

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-24T12:00:00Z"));

    private MandateRegistry registry(Database db) {
        AuditLog audit = new AuditLog(new JdbcAuditStore(db), new TestSigningKeys(), clock, 100);
        return new MandateRegistry(new JdbcMandateStore(db), audit, clock, MandateLimits.defaults(), (id, e) -> {});
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMandateRevokedBeforeARestartIsStillRevokedAfterIt(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, tmp)) {
            MandateRegistry before = registry(db);
            Mandate root = before.open(
                    new OpenRequest(
                            BOT,
                            Tier.COPILOT,
                            "alice",
                            "support",
                            Set.of("crm.read", "mail.send"),
                            Set.of("db://t"),
                            Duration.ofMinutes(30),
                            null,
                            Set.of("*"),
                            50,
                            Sensitivity.PUBLIC),
                    "admin");
            Mandate child = before.delegate(
                    root.id(),
                    new DelegationRequest(
                            SpiffeId.parse("spiffe://mandate.local/agent/sub"),
                            Tier.AUTONOMOUS,
                            null,
                            Set.of("crm.read"),
                            null,
                            Duration.ofMinutes(5),
                            null,
                            5),
                    "bot");
            Mandate other = before.open(unattended(Set.of()), "admin");
            before.renew(other.id(), "bot");
            before.revoke(root.id(), "leaked", "admin");

            MandateRegistry after = registry(db);

            assertThat(after.checkLive(root.id())).isEqualTo(LiveCheck.REVOKED);
            assertThat(after.checkLive(child.id())).isEqualTo(LiveCheck.REVOKED);
            assertThat(after.checkLive(other.id())).isEqualTo(LiveCheck.LIVE);
            Mandate reloaded = after.get(child.id());
            assertThat(reloaded.state()).isEqualTo(MandateState.REVOKED);
            assertThat(reloaded.endReason()).isEqualTo("leaked");
            assertThat(reloaded.tools()).containsExactly("crm.read");
            assertThat(reloaded.tier()).isEqualTo(Tier.COPILOT);
            assertThat(reloaded.parentId()).isEqualTo(root.id());
            assertThat(reloaded.onBehalfOf()).isEqualTo("alice");
            assertThat(after.children(root.id())).extracting(Mandate::id).containsExactly(child.id());
            assertThat(new AuditLog(new JdbcAuditStore(db), new TestSigningKeys(), clock, 100).page(0, 100))
                    .extracting(e -> e.type())
                    .containsExactly(
                            "mandate.opened",
                            "mandate.delegated",
                            "mandate.opened",
                            "mandate.renewed",
                            "mandate.revoked",
                            "mandate.revoked");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void flowLabelsAndClearanceWrittenBackSurviveARestartAndAChildInheritsTheClearance(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, tmp)) {
            MandateRegistry before = registry(db);
            Mandate root = before.open(
                    new OpenRequest(
                            BOT,
                            Tier.COPILOT,
                            "https://idp.example#alice",
                            "support",
                            Set.of("docs.search"),
                            Set.of(),
                            Duration.ofMinutes(30),
                            null,
                            Set.of("*"),
                            50,
                            Sensitivity.CONFIDENTIAL),
                    "admin");
            Mandate child = before.delegate(
                    root.id(),
                    new DelegationRequest(
                            SpiffeId.parse("spiffe://mandate.local/agent/sub"),
                            Tier.AUTONOMOUS,
                            null,
                            null,
                            null,
                            Duration.ofMinutes(5),
                            null,
                            5),
                    "bot");
            Mandate unattended = before.open(unattended(Set.of("*")), "admin");
            before.recordFlowLabels(root.id(), Set.of("internal"));
            before.recordFlowLabels(root.id(), Set.of("confidential", "pii"));
            before.recordFlowLabels(child.id(), Set.of("internal", "untrusted"));
            assertThat(before.get(root.id()).flowLabels()).containsExactlyInAnyOrder("confidential", "pii");

            MandateRegistry after = registry(db);

            assertThat(after.get(root.id()).flowLabels()).containsExactlyInAnyOrder("confidential", "pii");
            assertThat(after.get(child.id()).flowLabels()).containsExactlyInAnyOrder("internal", "untrusted");
            assertThat(after.get(unattended.id()).flowLabels()).isEmpty();
            assertThat(after.get(root.id()).clearance()).isEqualTo(Sensitivity.CONFIDENTIAL);
            assertThat(after.get(child.id()).clearance()).isEqualTo(Sensitivity.CONFIDENTIAL);
            assertThat(after.get(unattended.id()).clearance()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aPrincipalWithoutAClearanceIsReadBackAsPublicTheMostRestrictive(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, tmp)) {
            Mandate m = registry(db)
                    .open(
                            new OpenRequest(
                                    BOT,
                                    Tier.COPILOT,
                                    "https://idp.example#bob",
                                    "support",
                                    Set.of(),
                                    Set.of(),
                                    Duration.ofMinutes(30),
                                    null,
                                    Set.of("*"),
                                    0,
                                    Sensitivity.PUBLIC),
                            "admin");
            assertThat(registry(db).get(m.id()).clearance()).isEqualTo(Sensitivity.PUBLIC);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void writingTheLabelsOfAnUnknownMandateFailsNamingIt(TestDatabases.Kind kind) {
        try (Database db = TestDatabases.open(kind, tmp)) {
            assertThatThrownBy(() -> new JdbcMandateStore(db).updateFlowLabels("mdt_nope", Set.of("pii")))
                    .isInstanceOf(MandateException.class)
                    .hasMessageContaining("mdt_nope");
        }
    }

    /** A request for a mandate of {@code bot} that acts for nobody: no tools, no resources, no call budget. */
    private static OpenRequest unattended(Set<String> labelCeiling) {
        return new OpenRequest(
                BOT,
                Tier.COPILOT,
                null,
                "support",
                Set.of(),
                Set.of(),
                Duration.ofMinutes(30),
                null,
                labelCeiling,
                0,
                null);
    }

    private Mandate openOne(Database db) {
        return registry(db).open(unattended(Set.of("*")), "admin");
    }

    private static Set<String> storedLabels(Database db, String id) {
        return new JdbcMandateStore(db)
                .loadAll().stream()
                        .filter(m -> m.id().equals(id))
                        .findFirst()
                        .orElseThrow()
                        .flowLabels();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void writtenLabelsAreMergedIntoTheStoredOnesNeverOverwritingThem(TestDatabases.Kind kind) {
        // {stored before, written, stored after}: the union with the highest sensitivity, whatever order and overlap
        List<List<Set<String>>> cases = List.of(
                List.of(Set.of(), Set.of("pii"), Set.of("pii")),
                List.of(Set.of("pii"), Set.of("secrets"), Set.of("pii", "secrets")),
                List.of(Set.of("confidential", "pii"), Set.of("pii"), Set.of("confidential", "pii")),
                List.of(Set.of("pii", "secrets"), Set.of(), Set.of("pii", "secrets")),
                List.of(Set.of("internal"), Set.of("confidential", "untrusted"), Set.of("confidential", "untrusted")),
                List.of(
                        Set.of("confidential", "pii"),
                        Set.of("internal", "secrets"),
                        Set.of("confidential", "pii", "secrets")));
        try (Database db = TestDatabases.open(kind, tmp)) {
            JdbcMandateStore store = new JdbcMandateStore(db);
            for (List<Set<String>> c : cases) {
                Mandate m = openOne(db);
                store.updateFlowLabels(m.id(), c.get(0));
                store.updateFlowLabels(m.id(), c.get(1));
                assertThat(storedLabels(db, m.id()))
                        .as("stored %s, then written %s", c.get(0), c.get(1))
                        .containsExactlyInAnyOrderElementsOf(c.get(2));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void concurrentWritersOfOneMandateLoseNoneOfEachOthersLabels(TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, tmp)) {
            Mandate m = openOne(db);
            JdbcMandateStore store = new JdbcMandateStore(db);
            int writers = 8;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    String label = "seen-by-" + i;
                    done.add(pool.submit(() -> {
                        go.await();
                        store.updateFlowLabels(m.id(), Set.of(label));
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(storedLabels(db, m.id()))
                    .containsExactlyInAnyOrder(IntStream.range(0, writers)
                            .mapToObj(i -> "seen-by-" + i)
                            .toArray(String[]::new));
        }
    }
}

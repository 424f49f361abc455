package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.GroupCommitMandateStore;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateRegistry;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Group-committed mandates on both real databases: what an exchange was told is open survives a restart. */
final class GroupCommitMandateStoreTest {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");

    @TempDir
    Path tmp;

    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-24T12:00:00Z"));
    private final TestSigningKeys keys = new TestSigningKeys();
    private @Nullable String postgresUrl;

    private Database open(TestDatabases.Kind kind) {
        return switch (kind) {
            case H2 -> Database.openEmbedded(tmp);
            case POSTGRESQL -> {
                String url = postgresUrl;
                if (url == null) {
                    url = TestDatabases.freshPostgresUrl();
                    postgresUrl = url;
                }
                yield Database.open(url, "postgres", "", 4);
            }
        };
    }

    private MandateRegistry registry(Database db, AuditLog audit) {
        return new MandateRegistry(
                new GroupCommitMandateStore(new JdbcMandateStore(db)),
                audit,
                clock,
                MandateLimits.defaults(),
                (id, e) -> {});
    }

    private static OpenRequest request(String purpose) {
        return new OpenRequest(
                BOT,
                Tier.COPILOT,
                null,
                purpose,
                Set.of("crm.read"),
                Set.of(),
                Duration.ofMinutes(5),
                null,
                Set.of("*"),
                10);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void everyMandateOpenedConcurrentlyIsLiveAndAuditedAfterARestart(TestDatabases.Kind kind) throws Exception {
        List<String> opened = new ArrayList<>();
        try (Database db = open(kind)) {
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 100);
            MandateRegistry registry = registry(db, audit);
            try (ExecutorService openers = Executors.newFixedThreadPool(16)) {
                List<Future<Mandate>> futures = new ArrayList<>();
                for (int i = 0; i < 600; i++) {
                    futures.add(openers.submit(() -> registry.open(request("support"), "bot")));
                }
                for (Future<Mandate> f : futures) {
                    opened.add(f.get().id());
                }
            }
        }
        try (Database db = open(kind)) {
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 100);
            MandateRegistry after = registry(db, audit);

            assertThat(after.size()).isEqualTo(600);
            assertThat(opened).allSatisfy(id -> assertThat(after.checkLive(id)).isEqualTo(LiveCheck.LIVE));
            List<AuditEvent> events = audit.page(0, 1000);
            assertThat(events)
                    .filteredOn(e -> e.type().equals("mandate.opened"))
                    .extracting(AuditEvent::subject)
                    .containsExactlyInAnyOrderElementsOf(opened);
            assertThat(audit.verify().problem()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aBatchWithOneRowTheDatabaseRefusesStoresNoneOfIt(TestDatabases.Kind kind) {
        try (Database db = open(kind)) {
            JdbcMandateStore store = new JdbcMandateStore(db);
            AuditLog audit = new AuditLog(new JdbcAuditStore(db), keys, clock, 100);
            Mandate first = registry(db, audit).open(request("support"), "bot");
            Mandate other = withId(first, "mdt_not-yet-stored");

            // The second row repeats a stored id: the whole transaction fails.
            assertThatThrownBy(() -> store.insertAll(List.of(other, first)))
                    .isInstanceOfSatisfying(
                            MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

            assertThat(store.loadAll()).extracting(Mandate::id).containsExactly(first.id());
        }
    }

    private static Mandate withId(Mandate m, String id) {
        return new Mandate(
                id,
                m.agent(),
                m.onBehalfOf(),
                m.purpose(),
                m.tools(),
                m.resources(),
                m.tier(),
                m.parentId(),
                m.depth(),
                m.issued(),
                m.expires(),
                m.maxExpires(),
                m.ttl(),
                m.state(),
                m.flowLabels(),
                m.labelCeiling(),
                m.callBudget(),
                m.ended(),
                m.endReason());
    }
}

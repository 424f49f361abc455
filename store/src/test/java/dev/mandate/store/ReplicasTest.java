package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.AgentChanges;
import dev.mandate.core.identity.AgentRegistration;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.AgentStatus;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.keys.RotatingSigningKeys;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.OpenRequest;
import dev.mandate.core.mandate.Replica;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.testing.MutableClock;
import dev.mandate.core.testing.RecordingAuditSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one real PostgreSQL database: each a pool, a registry and a change feed of its own, as two nodes
 * would have. Replica B runs on a clock the test moves, so that its staleness bound can pass without waiting.
 */
final class ReplicasTest {
    private static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");
    private static final SpiffeId SUB = SpiffeId.parse("spiffe://mandate.local/agent/sub");
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration BOUND = Duration.ofSeconds(3);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final String url = TestDatabases.freshPostgresUrl();
    private final MutableClock clockB = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private volatile boolean cutOff;

    /** One replica: its own pool, feed, registry, and what its end and flow-labels listeners heard. */
    private record Node(
            Database db,
            PostgresChangeFeed feed,
            MandateRegistry registry,
            List<String> ended,
            List<String> grew,
            RecordingAuditSink audit) {}

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Node replica(InstantSource clock, boolean follow) {
        boolean isB = clock.equals(clockB);
        Database db = Database.open(url, "postgres", "", 4);
        open.add(db);
        PostgresChangeFeed feed = new PostgresChangeFeed(db, clock, POLL, warnings::add, () -> {
            if (cutOff && isB) {
                throw new SQLException("cut off from the store (test)", "08001");
            }
            return db.openUnpooled(10);
        });
        open.add(feed);
        RecordingAuditSink audit = new RecordingAuditSink();
        MandateRegistry registry =
                new MandateRegistry(new JdbcMandateStore(db), audit, clock, MandateLimits.defaults(), (id, e) -> {});
        List<String> ended = new CopyOnWriteArrayList<>();
        registry.addEndListener((id, reason) -> ended.add(id));
        List<String> grew = new CopyOnWriteArrayList<>();
        registry.addFlowLabelsListener((id, labels) -> grew.add(id + " " + String.join(",", labels)));
        if (follow) {
            new Replica(registry, feed, clock, BOUND).start();
        }
        return new Node(db, feed, registry, ended, grew, audit);
    }

    private static Mandate open(MandateRegistry registry, SpiffeId agent) {
        return registry.open(
                new OpenRequest(
                        agent,
                        Tier.COPILOT,
                        null,
                        "support",
                        Set.of("crm.read"),
                        Set.of(),
                        Duration.ofMinutes(30),
                        null,
                        Set.of("*"),
                        10,
                        null),
                "admin");
    }

    private static Mandate delegate(MandateRegistry registry, String parent) {
        return registry.delegate(
                parent,
                new DelegationRequest(SUB, Tier.COPILOT, "support", null, null, null, null, null),
                "spiffe://mandate.local/agent/bot");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static MandateState stored(Database db, String id) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT state FROM mandates WHERE id = ?")) {
            s.setString(1, id);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).as("row of " + id).isTrue();
                return MandateState.parse(rs.getString(1));
            }
        }
    }

    @Test
    void aMandateLearnedFromAnotherReplicaKeepsItsPrincipalsClearance() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        b.feed().dropNotifications(true);

        Mandate m = a.registry()
                .open(
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
                                10,
                                Sensitivity.CONFIDENTIAL),
                        "admin");

        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(b.registry().get(m.id()).clearance()).isEqualTo(Sensitivity.CONFIDENTIAL);
        assertThat(b.registry().get(m.id()).onBehalfOf()).isEqualTo("https://idp.example#alice");
    }

    @Test
    void aMandateOpenedOnOneReplicaIsLiveOnTheOtherAtItsFirstCheck() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        b.feed().dropNotifications(true); // only the miss path can make the first check live

        Mandate m = open(a.registry(), BOT);

        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(b.registry().get(m.id()).agent()).isEqualTo(BOT);
        assertThat(b.registry().checkLive("mdt_made-up")).isEqualTo(LiveCheck.UNKNOWN);
    }

    @Test
    void aRevocationOnOneReplicaDeniesOnTheOtherAndEndsWhatHangsOffItThere() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        Mandate m = open(a.registry(), BOT);
        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);

        a.registry().revoke(m.id(), "leaked", "admin");

        await("replica B heard of the revocation", () -> b.ended().contains(m.id()));
        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(b.registry().get(m.id()).endReason()).isEqualTo("leaked");
    }

    @Test
    void renewalsAndClosingTravelToo() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        Mandate m = open(a.registry(), BOT);
        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);

        Mandate renewed = b.registry().renew(m.id(), "bot");
        await(
                "replica A saw the renewal made on B",
                () -> a.registry().get(m.id()).expires().equals(renewed.expires()));
        b.registry().close(m.id(), "bot");

        await("replica A heard of the close made on B", () -> a.ended().contains(m.id()));
        assertThat(a.registry().checkLive(m.id())).isEqualTo(LiveCheck.CLOSED);
    }

    @Test
    void aChildDelegatedOnOneReplicaEndsWhenTheOtherRevokesItsParentWithoutKnowingTheChild() throws SQLException {
        Node a = replica(Clock.systemUTC(), false); // follows nothing: it never learns of the child
        Node b = replica(clockB, true);
        Mandate root = open(a.registry(), BOT);
        Mandate child = delegate(b.registry(), root.id());
        Mandate grandchild = delegate(b.registry(), child.id());

        a.registry().revoke(root.id(), "kill", "admin");

        await("replica B ended the child", () -> b.ended().contains(grandchild.id()));
        assertThat(b.registry().checkLive(child.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(b.registry().checkLive(grandchild.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(stored(a.db(), child.id())).isEqualTo(MandateState.REVOKED);
        assertThat(stored(a.db(), grandchild.id())).isEqualTo(MandateState.REVOKED);
        assertThat(b.registry().get(child.id()).endReason()).isEqualTo("ancestor " + root.id() + " revoked");
    }

    @Test
    void anAgentDisabledOnOneReplicaLosesItsMandatesOnTheOther() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        AgentRegistry agentsA = new AgentRegistry(
                new JdbcAgentDirectory(a.db()), new RecordingAuditSink(), Clock.systemUTC(), "mandate.local");
        agentsA.register(
                new AgentRegistration("bot", "team-support", Tier.COPILOT, Set.of("support"), null, null), "admin");
        Mandate onB = open(b.registry(), BOT);

        agentsA.disable("bot", "admin", "compromised"); // A's registry is not told: only the store carries it

        await("replica B revoked the agent's mandate", () -> b.ended().contains(onB.id()));
        assertThat(b.registry().checkLive(onB.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(new JdbcAgentDirectory(b.db()).find(BOT).orElseThrow().isActive())
                .isFalse();
    }

    /** The audit events of one type about one subject, across replicas. */
    private static long events(String type, String subject, Node... nodes) {
        long n = 0;
        for (Node node : nodes) {
            n += node.audit().entries.stream()
                    .filter(e -> e.type().equals(type) && e.subject().equals(subject))
                    .count();
        }
        return n;
    }

    private static AgentRegistry agents(Node node) {
        AgentRegistry agents = new AgentRegistry(
                new JdbcAgentDirectory(node.db()), new RecordingAuditSink(), Clock.systemUTC(), "mandate.local");
        agents.register(
                new AgentRegistration("bot", "team-support", Tier.COPILOT, Set.of("support"), null, null), "admin");
        return agents;
    }

    /**
     * Waits until {@code watcher} has applied every change committed so far: two more polls, since the one running now
     * may have taken its snapshot before them.
     */
    private static void caughtUp(Node watcher) {
        long seen = watcher.feed().polls();
        await("the replica polled twice more", () -> watcher.feed().polls() >= seen + 2);
    }

    @Test
    void anAgentDisabledElsewhereHasEachMandateRevocationRecordedOnceThoughEveryReplicaRevokesIt() throws SQLException {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        Node c = replica(Clock.systemUTC(), true);
        AgentRegistry agentsA = agents(a);
        Mandate onB = open(b.registry(), BOT);
        Mandate child = delegate(b.registry(), onB.id());
        assertThat(c.registry().checkLive(onB.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(c.registry().checkLive(child.id())).isEqualTo(LiveCheck.LIVE);
        await("replica A learned the mandate from the feed", () -> a.registry().checkLive(onB.id()) == LiveCheck.LIVE);

        agentsA.disable("bot", "admin", "compromised"); // only the store carries it: all three learn it from the feed

        for (Node n : List.of(a, b, c)) {
            await("every replica revoked the agent's mandate", () -> n.ended().contains(onB.id()));
            assertThat(n.registry().checkLive(onB.id())).isEqualTo(LiveCheck.REVOKED);
            assertThat(n.registry().checkLive(child.id())).isNotEqualTo(LiveCheck.LIVE);
        }
        assertThat(stored(a.db(), onB.id())).isEqualTo(MandateState.REVOKED);
        assertThat(events("mandate.revoked", onB.id(), a, b, c))
                .as("the replica whose write revoked it records it; the others only take it over")
                .isEqualTo(1);
        assertThat(events("mandate.revoked", child.id(), a, b, c)).isEqualTo(1);
        assertThat(events("agent.revoked", BOT.toString(), a, b, c))
                .as("the agent's revocation is the disabling replica's to record (here its agent registry's)")
                .isZero();
    }

    @Test
    void aMandateOpenedJustAsItsAgentIsDisabledElsewhereIsRevokedWhenItArrives() throws SQLException {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        AgentRegistry agentsA = agents(a);
        Mandate before = open(b.registry(), BOT);
        agentsA.disable("bot", "admin", "compromised");
        await("replica B applied the disable", () -> b.ended().contains(before.id()));

        // An exchange on B that read the agent as active an instant before the disable opens its mandate only now.
        Mandate late = open(b.registry(), BOT);

        await(
                "replica B revoked the late mandate when its row came back",
                () -> b.ended().contains(late.id()));
        assertThat(b.registry().checkLive(late.id())).isEqualTo(LiveCheck.REVOKED);
        await("replica A revoked it too", () -> a.registry().checkLive(late.id()) == LiveCheck.REVOKED);
        assertThat(stored(a.db(), late.id())).isEqualTo(MandateState.REVOKED);
        assertThat(events("mandate.revoked", late.id(), a, b)).isEqualTo(1);

        agentsA.update(
                "bot", new AgentChanges(null, null, null, null, false, AgentStatus.ACTIVE), "admin"); // enabled again
        caughtUp(b);
        Mandate again = open(b.registry(), BOT);
        caughtUp(b);
        caughtUp(a);
        assertThat(b.registry().checkLive(again.id()))
                .as("an agent enabled again is no longer remembered as disabled")
                .isEqualTo(LiveCheck.LIVE);
        assertThat(stored(a.db(), again.id())).isEqualTo(MandateState.ACTIVE);
    }

    private static RotatingSigningKeys signingKeys(Node node) {
        return RotatingSigningKeys.open(
                new JdbcKeyRepository(node.db()),
                "mandate",
                KeyUse.SIGNATURE,
                JWSAlgorithm.EdDSA,
                Clock.systemUTC(),
                Duration.ofHours(1),
                new RecordingAuditSink());
    }

    @Test
    void aSigningKeyRotatedOnOneReplicaSignsAndIsPublishedOnTheOtherWithoutARestart() throws Exception {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        RotatingSigningKeys keysA = signingKeys(a);
        RotatingSigningKeys keysB = signingKeys(b);
        List<Set<String>> heard = new CopyOnWriteArrayList<>();
        b.feed().onKeysChanged(sets -> {
            heard.add(sets);
            if (sets.contains("mandate")) {
                keysB.reload();
            }
        });
        assertThat(keysB.currentKid()).isEqualTo(keysA.currentKid());
        String before = keysA.currentKid();

        String rotated = keysA.rotate("admin");

        await(
                "replica B signs with the key rotated on A",
                () -> keysB.currentKid().equals(rotated));
        assertThat(heard).allSatisfy(sets -> assertThat(sets).containsOnly("mandate"));
        assertThat(keysB.publicJwks().getKeyByKeyId(rotated)).isNotNull();
        assertThat(keysB.publicJwks().getKeyByKeyId(before))
                .as("the retired key stays published for tokens it signed")
                .isNotNull();
        String signedOnB = keysB.sign(new JWTClaimsSet.Builder().subject("s").build(), JOSEObjectType.JWT);
        assertThat(SignedJWT.parse(signedOnB).getHeader().getKeyID()).isEqualTo(rotated);
        assertThat(keysA.verify(signedOnB).getSubject()).isEqualTo("s");
    }

    @Test
    void aLostNotificationIsMadeUpByThePoll() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        Mandate m = open(a.registry(), BOT);
        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        b.feed().dropNotifications(true);
        long pollsBefore = b.feed().polls();

        a.registry().revoke(m.id(), "leaked", "admin");

        await("replica B's poll brought the revocation in", () -> b.ended().contains(m.id()));
        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(b.feed().polls()).isGreaterThan(pollsBefore);
    }

    @Test
    void aReplicaCutOffFromTheStoreFailsClosedPastItsBoundAndCatchesUpAfter() throws SQLException {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        Mandate kept = open(a.registry(), BOT);
        Mandate revoked = open(a.registry(), BOT);
        assertThat(b.registry().checkLive(kept.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(b.registry().checkLive(revoked.id())).isEqualTo(LiveCheck.LIVE);

        // Cut off only once the feed is connected: a feed still connecting when the cut starts could never connect.
        await("replica B's feed is connected", () -> b.feed().backendPid() != 0);
        cutOff = true;
        int pid = b.feed().backendPid();
        try (Connection c = a.db().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            s.setInt(1, pid);
            s.execute();
        }
        // The feed closes the dead connection (backendPid() then answers 0) just before it warns: wait for the warning.
        await(
                "replica B's feed warned it lost the store",
                () -> warnings.stream().anyMatch(w -> w.contains("lost the store")));
        assertThat(b.feed().backendPid())
                .as("replica B's feed has no connection")
                .isZero();
        assertThat(b.registry().checkLive(kept.id())).as("within the bound").isEqualTo(LiveCheck.LIVE);
        a.registry().revoke(revoked.id(), "leaked", "admin");
        clockB.advance(BOUND.plusSeconds(1));

        assertThat(b.registry().checkLive(kept.id())).isEqualTo(LiveCheck.STALE);
        assertThat(b.registry().checkLive(revoked.id())).isEqualTo(LiveCheck.STALE);

        cutOff = false;
        await("replica B caught up", () -> b.registry().checkLive(kept.id()) == LiveCheck.LIVE);
        assertThat(b.registry().checkLive(revoked.id())).isEqualTo(LiveCheck.REVOKED);
    }

    private static String storedLabelsAndStamp(Database db, String id) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT flow_labels, change_xid::text FROM mandates WHERE id = ?")) {
            s.setString(1, id);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).as("row of " + id).isTrue();
                return rs.getString(1) + " @" + rs.getString(2);
            }
        }
    }

    @Test
    void flowLabelsStoredOnOneReplicaAreInForceOnTheOtherAndItsNewChildrenStartWithThem() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        Mandate m = open(a.registry(), BOT);
        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(b.registry().get(m.id()).flowLabels()).isEmpty();

        a.registry().recordFlowLabels(m.id(), Set.of("confidential", "pii")); // the agent read pii through A

        await(
                "replica B took over the labels A stored",
                () -> b.registry().get(m.id()).flowLabels().contains("pii"));
        assertThat(b.registry().get(m.id()).flowLabels()).containsExactlyInAnyOrder("confidential", "pii");
        assertThat(b.grew()).contains(m.id() + " confidential,pii");
        assertThat(delegate(b.registry(), m.id()).flowLabels())
                .as("a child delegated on B")
                .containsExactlyInAnyOrder("confidential", "pii");
    }

    @Test
    void aMandateFirstSeenThroughTheMissPathCarriesItsStoredLabels() {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        b.feed().dropNotifications(true);
        Mandate m = open(a.registry(), BOT);
        a.registry().recordFlowLabels(m.id(), Set.of("pii"));

        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(b.registry().get(m.id()).flowLabels()).containsExactly("pii");
    }

    @Test
    void labelsAddedOnBothReplicasEndUpAsTheirUnionOnBothAndInTheStoreWithoutWritingBackAndForth() throws SQLException {
        Node a = replica(Clock.systemUTC(), true);
        Node b = replica(clockB, true);
        Mandate m = open(a.registry(), BOT);
        assertThat(b.registry().checkLive(m.id())).isEqualTo(LiveCheck.LIVE);

        a.registry().recordFlowLabels(m.id(), Set.of("pii"));
        b.registry().recordFlowLabels(m.id(), Set.of("secrets")); // each writes only what it saw

        Set<String> union = Set.of("pii", "secrets");
        await(
                "both replicas hold the union",
                () -> a.registry().get(m.id()).flowLabels().equals(union)
                        && b.registry().get(m.id()).flowLabels().equals(union));
        String stored = storedLabelsAndStamp(a.db(), m.id());
        assertThat(stored).startsWith("pii secrets @");

        // What the store holds already is not written again: no new change for the other replica to take over.
        a.registry().recordFlowLabels(m.id(), Set.of("pii"));
        b.registry().recordFlowLabels(m.id(), union);
        assertThat(storedLabelsAndStamp(a.db(), m.id())).isEqualTo(stored);
    }

    @Test
    void theEmbeddedStoreHasNoChangeFeed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (Database h2 = Database.openEmbedded(dir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> PostgresChangeFeed.open(h2, Clock.systemUTC(), POLL, w -> {}))
                    .hasMessageContaining("PostgreSQL");
        }
    }
}

package dev.mandate.core.mandate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class MandateRegistryTest {
    static final SpiffeId BOT = SpiffeId.parse("spiffe://mandate.local/agent/bot");
    static final SpiffeId SUB = SpiffeId.parse("spiffe://mandate.local/agent/sub");

    private final Fakes.Clock clock = new Fakes.Clock();
    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Audit audit = new Fakes.Audit();
    private final List<String> endedEvents = new ArrayList<>();
    private MandateRegistry registry = newRegistry();

    private MandateRegistry newRegistry() {
        MandateRegistry r = new MandateRegistry(store, audit, clock, MandateLimits.defaults(), (id, e) -> {
            throw new AssertionError(e);
        });
        r.addEndListener((id, reason) -> endedEvents.add(id + ":" + reason));
        return r;
    }

    static OpenRequest open(Duration ttl) {
        return new OpenRequest(
                BOT,
                Tier.AUTONOMOUS,
                "alice@example.com",
                "support",
                Set.of("crm.read", "mail.send"),
                Set.of("db://tickets"),
                ttl,
                null,
                Set.of("*"),
                100,
                Sensitivity.PUBLIC);
    }

    static DelegationRequest narrower() {
        return new DelegationRequest(
                SUB, Tier.AUTONOMOUS, null, Set.of("crm.read"), Set.of(), Duration.ofMinutes(5), null, 10);
    }

    @Test
    void anOpenedMandateIsLiveUntilItsTtlRunsOut() {
        Mandate m = registry.open(open(Duration.ofMinutes(10)), "admin");
        assertThat(registry.checkLive(m.id())).isEqualTo(LiveCheck.LIVE);
        clock.advance(Duration.ofMinutes(10));
        assertThat(registry.checkLive(m.id())).isEqualTo(LiveCheck.EXPIRED);
        assertThat(registry.expireDue()).isEqualTo(1);
        assertThat(registry.get(m.id()).state()).isEqualTo(MandateState.EXPIRED);
        assertThat(endedEvents).containsExactly(m.id() + ":expired");
        assertThat(audit.types()).containsExactly("mandate.opened", "mandate.expired");
    }

    @Test
    void ttlOverTheTiersMaximumIsRefused() {
        assertThatThrownBy(() -> registry.open(open(Duration.ofHours(2)), "admin"))
                .isInstanceOfSatisfying(
                        MandateRefused.class, e -> assertThat(e.rule()).isEqualTo(MandateRefused.Rule.TTL))
                .hasMessageContaining("tier.autonomous.max-ttl");
    }

    @Test
    void revokingAParentRevokesItsWholeSubtreeAndTellsTheListenersOfEach() {
        Mandate root = registry.open(open(Duration.ofMinutes(10)), "admin");
        Mandate child = registry.delegate(root.id(), narrower(), "bot");
        Mandate grandchild = registry.delegate(
                child.id(), new DelegationRequest(BOT, Tier.COPILOT, null, null, null, null, null, null), "sub");
        assertThat(grandchild.tier()).isEqualTo(Tier.COPILOT);
        assertThat(grandchild.depth()).isEqualTo(2);
        assertThat(registry.checkLive(grandchild.id())).isEqualTo(LiveCheck.LIVE);

        List<String> ended = registry.revoke(root.id(), "leaked", "admin");

        assertThat(ended).containsExactlyInAnyOrder(root.id(), child.id(), grandchild.id());
        assertThat(registry.checkLive(grandchild.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(endedEvents).hasSize(3).allSatisfy(e -> assertThat(e).endsWith(":leaked"));
        assertThat(store.row(child.id()).state()).isEqualTo(MandateState.REVOKED);
        assertThat(audit.types()).containsSubsequence("mandate.delegated", "mandate.revoked", "mandate.revoked");
    }

    @Test
    void aMandateWithAnEndedAncestorIsNotLiveEvenBeforeItIsSwept() {
        Mandate root = registry.open(open(Duration.ofMinutes(10)), "admin");
        Mandate child = registry.delegate(root.id(), narrower(), "bot");
        clock.advance(Duration.ofMinutes(4));
        registry.renew(child.id(), "sub"); // capped by the parent's expiry
        clock.advance(Duration.ofMinutes(6));
        assertThat(registry.checkLive(child.id())).isIn(LiveCheck.ANCESTOR_ENDED, LiveCheck.EXPIRED);
    }

    @Test
    void widenedDelegationIsRefusedNamingTheExtraTools() {
        Mandate root = registry.open(open(Duration.ofMinutes(10)), "admin");
        assertThatThrownBy(() -> registry.delegate(
                        root.id(),
                        new DelegationRequest(
                                SUB, Tier.AUTONOMOUS, null, Set.of("crm.read", "db.drop"), null, null, null, null),
                        "bot"))
                .isInstanceOfSatisfying(
                        MandateRefused.class, e -> assertThat(e.rule()).isEqualTo(MandateRefused.Rule.TOOLS))
                .hasMessageContaining("db.drop");
    }

    @Test
    void delegationFromARevokedMandateIsRefused() {
        Mandate root = registry.open(open(Duration.ofMinutes(10)), "admin");
        registry.revoke(root.id(), "done", "admin");
        assertThatThrownBy(() -> registry.delegate(root.id(), narrower(), "bot"))
                .isInstanceOfSatisfying(
                        MandateRefused.class, e -> assertThat(e.rule()).isEqualTo(MandateRefused.Rule.PARENT_NOT_LIVE));
    }

    @Test
    void delegationDeeperThanTheLimitIsRefused() {
        String id = registry.open(open(Duration.ofMinutes(10)), "admin").id();
        for (int i = 0; i < MandateLimits.defaults().maxDepth(); i++) {
            id = registry.delegate(id, narrower(), "bot").id();
        }
        String last = id;
        assertThatThrownBy(() -> registry.delegate(last, narrower(), "bot"))
                .isInstanceOfSatisfying(
                        MandateRefused.class, e -> assertThat(e.rule()).isEqualTo(MandateRefused.Rule.DEPTH))
                .hasMessageContaining("mandate.max-depth");
    }

    @Test
    void revokingAnAgentRevokesEveryMandateItHolds() {
        Mandate a = registry.open(open(Duration.ofMinutes(10)), "admin");
        Mandate b = registry.open(open(Duration.ofMinutes(10)), "admin");
        Mandate child = registry.delegate(a.id(), narrower(), "bot");
        assertThat(registry.revokeAgent(BOT, "kill switch", "admin"))
                .containsExactlyInAnyOrder(a.id(), b.id(), child.id());
        assertThat(registry.checkLive(b.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(audit.types()).contains("agent.revoked");
    }

    @Test
    void renewalExtendsUpToTheMaxLifetimeAndNoFurther() {
        OpenRequest req = new OpenRequest(
                BOT,
                Tier.AUTONOMOUS,
                null,
                "support",
                Set.of(),
                Set.of(),
                Duration.ofMinutes(10),
                Duration.ofMinutes(15),
                Set.of(),
                0,
                null);
        Mandate m = registry.open(req, "admin");
        clock.advance(Duration.ofMinutes(8));
        assertThat(registry.renew(m.id(), "bot").expires()).isEqualTo(m.issued().plus(Duration.ofMinutes(15)));
        assertThatThrownBy(() -> registry.renew(m.id(), "bot"))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("max lifetime");
    }

    @Test
    void closingEndsTheMandateAndItsChildren() {
        Mandate root = registry.open(open(Duration.ofMinutes(10)), "admin");
        Mandate child = registry.delegate(root.id(), narrower(), "bot");
        assertThat(registry.close(root.id(), "bot")).containsExactly(root.id(), child.id());
        assertThat(registry.checkLive(child.id())).isEqualTo(LiveCheck.CLOSED);
        assertThatThrownBy(() -> registry.close(root.id(), "bot"))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void stateSurvivesARestart() {
        Mandate root = registry.open(open(Duration.ofMinutes(10)), "admin");
        Mandate child = registry.delegate(root.id(), narrower(), "bot");
        Mandate other = registry.open(open(Duration.ofMinutes(10)), "admin");
        registry.revoke(root.id(), "leaked", "admin");

        registry = newRegistry();

        assertThat(registry.checkLive(root.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(registry.checkLive(child.id())).isEqualTo(LiveCheck.REVOKED);
        assertThat(registry.checkLive(other.id())).isEqualTo(LiveCheck.LIVE);
        assertThat(registry.children(root.id())).extracting(Mandate::id).containsExactly(child.id());
    }

    @Test
    void aRevocationTheStoreMissedIsInForceAndCanBeRetried() {
        Mandate root = registry.open(open(Duration.ofMinutes(10)), "admin");
        store.broken = true;
        assertThatThrownBy(() -> registry.revoke(root.id(), "leaked", "admin"))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(registry.checkLive(root.id())).isEqualTo(LiveCheck.REVOKED);
        store.broken = false;
        registry.revoke(root.id(), "leaked", "admin");
        assertThat(store.row(root.id()).state()).isEqualTo(MandateState.REVOKED);
    }

    @Test
    void anOpenThatCannotBeAuditedFails() {
        audit.broken = true;
        assertThatThrownBy(() -> registry.open(open(Duration.ofMinutes(10)), "admin"))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(registry.size()).isZero();
        assertThat(store.rows.values()).allSatisfy(m -> assertThat(m.state()).isEqualTo(MandateState.REVOKED));
    }
}

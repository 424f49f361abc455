package dev.mandate.core.mandate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

final class AttenuationProperties {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final List<String> UNIVERSE = List.of("a", "b", "c", "d", "e", "f");

    @Provide
    Arbitrary<Set<String>> names() {
        return Arbitraries.of(UNIVERSE).set().ofMaxSize(UNIVERSE.size());
    }

    @Provide
    Arbitrary<Set<String>> ceilings() {
        return Arbitraries.of("a", "b", "c", "*").set().ofMaxSize(4);
    }

    private static Mandate parent(
            Set<String> tools, Set<String> resources, Set<String> ceiling, Set<String> labels, int budget, int depth) {
        Set<String> flow = Scope.withinCeiling(labels, ceiling) ? labels : Set.of();
        return new Mandate(
                "mdt_parent",
                SpiffeId.parse("spiffe://t/agent/p"),
                "alice",
                "support",
                tools,
                resources,
                Tier.AUTONOMOUS,
                depth == 0 ? null : "mdt_gp",
                depth,
                NOW.minusSeconds(60),
                NOW.plusSeconds(600),
                NOW.plusSeconds(3600),
                Duration.ofMinutes(10),
                MandateState.ACTIVE,
                flow,
                ceiling,
                budget,
                null,
                null,
                Sensitivity.PUBLIC);
    }

    @Property
    void attenuationNeverWidens(
            @ForAll("names") Set<String> parentTools,
            @ForAll("names") Set<String> parentResources,
            @ForAll("ceilings") Set<String> parentCeiling,
            @ForAll("ceilings") Set<String> parentLabels,
            @ForAll @IntRange(min = 0, max = 50) int parentBudget,
            @ForAll @IntRange(min = 0, max = 5) int parentDepth,
            @ForAll("names") Set<String> askedTools,
            @ForAll("names") Set<String> askedResources,
            @ForAll("ceilings") Set<String> askedCeiling,
            @ForAll @IntRange(min = 0, max = 60) int askedBudget,
            @ForAll @IntRange(min = 1, max = 1200) int askedTtlSeconds,
            @ForAll boolean inheritTools,
            @ForAll boolean copilot) {
        Mandate parent = parent(parentTools, parentResources, parentCeiling, parentLabels, parentBudget, parentDepth);
        DelegationRequest req = new DelegationRequest(
                SpiffeId.parse("spiffe://t/agent/c"),
                copilot ? Tier.COPILOT : Tier.AUTONOMOUS,
                null,
                inheritTools ? null : askedTools,
                askedResources,
                Duration.ofSeconds(askedTtlSeconds),
                askedCeiling,
                askedBudget);
        Mandate child;
        try {
            child = Attenuation.derive(parent, req, NOW, 4, "mdt_child");
        } catch (MandateRefused refused) {
            // Refusal is only allowed when the request really asked for more than the parent has.
            boolean widens = (!inheritTools && !parentTools.containsAll(askedTools))
                    || !parentResources.containsAll(askedResources)
                    || (!parentCeiling.contains("*") && !parentCeiling.containsAll(askedCeiling))
                    || !Scope.withinCeiling(parent.flowLabels(), askedCeiling)
                    || askedBudget > parentBudget
                    || NOW.plusSeconds(askedTtlSeconds).isAfter(parent.expires())
                    || parentDepth + 1 > 4;
            assertThat(widens).as(refused.getMessage()).isTrue();
            return;
        }
        assertThat(parent.tools()).containsAll(child.tools());
        assertThat(parent.resources()).containsAll(child.resources());
        assertThat(Scope.withinCeiling(child.labelCeiling(), parent.labelCeiling()))
                .isTrue();
        assertThat(child.callBudget()).isLessThanOrEqualTo(parent.callBudget());
        assertThat(child.expires()).isBeforeOrEqualTo(parent.expires());
        assertThat(child.maxExpires()).isBeforeOrEqualTo(parent.maxExpires());
        assertThat(child.purpose()).isEqualTo(parent.purpose());
        assertThat(child.onBehalfOf()).isEqualTo(parent.onBehalfOf());
        assertThat(child.flowLabels()).isEqualTo(parent.flowLabels());
        assertThat(child.depth()).isEqualTo(parent.depth() + 1).isLessThanOrEqualTo(4);
        if (parent.tier() == Tier.COPILOT || copilot) {
            assertThat(child.tier()).isEqualTo(Tier.COPILOT);
        }
    }

    @Property(tries = 200)
    void aRevokedMandateOrOneWithARevokedAncestorIsNeverLive(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 1000) Integer> parentPicks,
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 1000) Integer> revokePicks,
            @ForAll boolean restart) {
        Fakes.Store store = new Fakes.Store();
        Fakes.Clock clock = new Fakes.Clock();
        MandateRegistry registry = new MandateRegistry(
                store,
                new Fakes.Audit(),
                clock,
                new MandateLimits(32, MandateLimits.defaults().tiers()),
                (i, e) -> {});
        List<Mandate> all = new ArrayList<>();
        all.add(registry.open(MandateRegistryTest.open(Duration.ofMinutes(10)), "t"));
        for (int pick : parentPicks) {
            Mandate parent = all.get(pick % all.size());
            all.add(registry.delegate(
                    parent.id(),
                    new DelegationRequest(
                            SpiffeId.parse("spiffe://t/agent/s"), Tier.AUTONOMOUS, null, null, null, null, null, null),
                    "t"));
        }
        Set<String> revoked = new HashSet<>();
        for (int pick : revokePicks) {
            Mandate target = all.get(pick % all.size());
            if (registry.get(target.id()).state() == MandateState.ACTIVE) {
                registry.revoke(target.id(), "test", "t");
            }
            revoked.add(target.id());
        }
        if (restart) {
            registry = new MandateRegistry(store, new Fakes.Audit(), clock, registry.limits(), (i, e) -> {});
        }
        for (Mandate m : all) {
            boolean underRevoked = false;
            for (String id = m.id(); id != null; id = registry.get(id).parentId()) {
                underRevoked |= revoked.contains(id);
            }
            assertThat(registry.checkLive(m.id()).isLive()).as(m.id()).isEqualTo(!underRevoked);
        }
    }
}

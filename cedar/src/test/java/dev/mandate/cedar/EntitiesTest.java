package dev.mandate.cedar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class EntitiesTest {

    private static List<Entity> chain(int length) {
        List<Entity> out = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            Set<EntityUid> parents = i + 1 < length ? Set.of(EntityUid.of("G", "g" + (i + 1))) : Set.of();
            out.add(Entity.of(EntityUid.of("G", "g" + i), Map.of(), parents));
        }
        return out;
    }

    @Test
    void ancestorsAreTheTransitiveClosureOfParents() {
        Entities e = Entities.of(chain(5));
        assertThat(e.ancestors(EntityUid.of("G", "g0")))
                .containsExactlyInAnyOrder(
                        EntityUid.of("G", "g1"),
                        EntityUid.of("G", "g2"),
                        EntityUid.of("G", "g3"),
                        EntityUid.of("G", "g4"));
        assertThat(e.isIn(EntityUid.of("G", "g0"), EntityUid.of("G", "g4"))).isTrue();
        assertThat(e.isIn(EntityUid.of("G", "g4"), EntityUid.of("G", "g0"))).isFalse();
        assertThat(e.isIn(EntityUid.of("X", "unknown"), EntityUid.of("X", "unknown")))
                .isTrue();
    }

    @Test
    void cyclesTerminate() {
        Entities e = Entities.of(List.of(
                Entity.of(EntityUid.of("G", "a"), Map.of(), Set.of(EntityUid.of("G", "b"))),
                Entity.of(EntityUid.of("G", "b"), Map.of(), Set.of(EntityUid.of("G", "a")))));
        assertThat(e.isIn(EntityUid.of("G", "a"), EntityUid.of("G", "b"))).isTrue();
        assertThat(e.isIn(EntityUid.of("G", "b"), EntityUid.of("G", "a"))).isTrue();
    }

    @Test
    void aHierarchyDeeperThanTheLimitFailsNamingTheLimit() {
        assertThat(Entities.of(chain(11), Limits.DEFAULTS.withMaxEntityHierarchyDepth(10))
                        .size())
                .isEqualTo(11);
        assertThatThrownBy(() -> Entities.of(chain(12), Limits.DEFAULTS.withMaxEntityHierarchyDepth(10)))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("G::\"g0\"")
                .hasMessageContaining("Limits.maxEntityHierarchyDepth");
    }

    @Test
    void aRepeatedUidIsRejected() {
        Entity a = Entity.of(EntityUid.of("G", "a"), Map.of(), Set.of());
        assertThatThrownBy(() -> Entities.of(List.of(a, a)))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("G::\"a\" appears more than once");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new Limits(0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPolicyTextChars");
    }

    @Test
    void entityUidsParseAndPrintTheCedarLiteral() {
        EntityUid uid = EntityUid.parse("NS::User::\"a\\\"b\"");
        assertThat(uid.type()).isEqualTo("NS::User");
        assertThat(uid.id()).isEqualTo("a\"b");
        assertThat(uid).hasToString("NS::User::\"a\\\"b\"");
        assertThatThrownBy(() -> EntityUid.parse("User")).isInstanceOf(CedarParseException.class);
    }
}

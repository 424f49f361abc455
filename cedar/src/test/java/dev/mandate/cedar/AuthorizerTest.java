package dev.mandate.cedar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

final class AuthorizerTest {
    private static final EntityUid ALICE = EntityUid.of("User", "alice");
    private static final EntityUid BOB = EntityUid.of("User", "bob");
    private static final EntityUid VIEW = EntityUid.of("Action", "view");
    private static final EntityUid DOC = EntityUid.of("Doc", "d1");
    private static final Entities ENTITIES = Entities.of(List.of(
            Entity.of(ALICE, Map.of("level", new LongValue(3)), Set.of(EntityUid.of("Group", "staff"))),
            Entity.of(EntityUid.of("Group", "staff"), Map.of(), Set.of())));

    private static Response decide(String policies, EntityUid principal) {
        return Authorizer.authorize(
                PolicySet.parse(policies), new Request(principal, VIEW, DOC, RecordValue.EMPTY), ENTITIES);
    }

    @Test
    void noApplicablePolicyDeniesByDefault() {
        Response r = decide("permit(principal == User::\"bob\", action, resource);", ALICE);
        assertThat(r.decision()).isEqualTo(Decision.DENY);
        assertThat(r.reasons()).isEmpty();
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void aPermitThatAppliesAllowsWithItsIdAsReason() {
        Response r = decide("""
                permit(principal in Group::"staff", action == Action::"view", resource is Doc);
                permit(principal, action, resource) when { principal.level > 5 };
                """, ALICE);
        assertThat(r.allowed()).isTrue();
        assertThat(r.reasons()).containsExactly("policy0");
    }

    @Test
    void forbidOverridesEveryPermit() {
        Response r = decide("""
                permit(principal, action, resource);
                forbid(principal, action, resource) unless { principal == User::"bob" };
                permit(principal == User::"alice", action, resource);
                """, ALICE);
        assertThat(r.decision()).isEqualTo(Decision.DENY);
        assertThat(r.reasons()).containsExactly("policy1");
    }

    @Test
    void anErroringPolicyIsSkippedAndReported() {
        Response r = decide("""
                forbid(principal, action, resource) when { principal.level > 1 };
                permit(principal, action, resource);
                """, BOB);
        assertThat(r.allowed()).isTrue();
        assertThat(r.reasons()).containsExactly("policy1");
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.policyId()).isEqualTo("policy0");
            assertThat(e.message()).contains("User::\"bob\"").contains("does not exist");
        });
    }

    @Test
    void templatesApplyOnlyThroughLinks() {
        PolicySet set = PolicySet.of(List.of(Policy.parse(
                "share", "@id(\"share\") permit(principal == ?principal, action, resource in ?resource);")));
        Request request = new Request(ALICE, VIEW, DOC, RecordValue.EMPTY);
        assertThat(java.util.Objects.requireNonNull(set.get("share")).isTemplate())
                .isTrue();
        assertThat(java.util.Objects.requireNonNull(set.get("share")).annotations())
                .containsEntry("id", "share");
        assertThat(Authorizer.authorize(set, request, ENTITIES).allowed()).isFalse();

        PolicySet linked = set.link("share", "share-alice", Map.of("?principal", ALICE, "?resource", DOC));
        Response r = Authorizer.authorize(linked, request, ENTITIES);
        assertThat(r.allowed()).isTrue();
        assertThat(r.reasons()).containsExactly("share-alice");
        assertThat(java.util.Objects.requireNonNull(linked.get("share-alice")).templateId())
                .isEqualTo("share");

        assertThatThrownBy(() -> set.link("share", "x", Map.of("?principal", ALICE)))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("?resource");
        assertThatThrownBy(() -> linked.link("share", "share-alice", Map.of("?principal", BOB, "?resource", DOC)))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("already");
    }

    @Test
    void explicitIdsMustBeUnique() {
        Policy p = Policy.parse("p", "permit(principal, action, resource);");
        assertThatThrownBy(() -> PolicySet.of(List.of(p, p)))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("p appears more than once");
    }

    @Test
    void oneCompiledSetDecidesConcurrentlyWithTheSameResults() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append("permit(principal == User::\"u")
                    .append(i)
                    .append("\", action, resource) when { context.n == ")
                    .append(i)
                    .append(" };\n");
        }
        PolicySet set = PolicySet.parse(text.toString());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        int u = i % 500;
                        Request rq = new Request(
                                EntityUid.of("User", "u" + u),
                                VIEW,
                                DOC,
                                new RecordValue(Map.of("n", new LongValue(i % 2 == 0 ? u : -1))));
                        Response r = Authorizer.authorize(set, rq, Entities.EMPTY);
                        boolean expected = i % 2 == 0;
                        if (r.allowed() != expected || (expected && !r.reasons().equals(List.of("policy" + u)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

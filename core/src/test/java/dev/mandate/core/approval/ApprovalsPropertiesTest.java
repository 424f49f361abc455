package dev.mandate.core.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class ApprovalsPropertiesTest {
    private static final List<ApprovalKey> CALLS = List.of(
            new ApprovalKey("m-1", "webhook.post", "sha256:a", "sha256:v1"),
            new ApprovalKey("m-1", "webhook.post", "sha256:b", "sha256:v1"),
            new ApprovalKey("m-2", "webhook.post", "sha256:a", "sha256:v1"),
            new ApprovalKey("m-1", "webhook.post", "sha256:a", "sha256:v2"));

    /** One step: 0 request+approve, 1 request only, 2 consume, 3 let a minute pass; and which call. */
    record Step(int kind, int call) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.integers()
                .between(0, 3)
                .flatMap(kind ->
                        Arbitraries.integers().between(0, CALLS.size() - 1).map(call -> new Step(kind, call)))
                .list()
                .ofMaxSize(60);
    }

    @Property
    void aCallPassesAtMostOncePerApprovalGrantedForExactlyThatCallBeforeItExpired(@ForAll("steps") List<Step> steps) {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T12:00:00Z"));
        Approvals approvals = new Approvals(new InMemoryApprovalStore(), now::get, Duration.ofMinutes(5));
        Map<ApprovalKey, Integer> passes = new HashMap<>();
        for (Step s : steps) {
            ApprovalKey key = CALLS.get(s.call());
            switch (s.kind()) {
                case 0 -> {
                    Approval a = approvals.request(key, List.of("p"), List.of("sec"));
                    if (a.state() == ApprovalState.PENDING) {
                        approvals.approve(a.id(), "bob", "ok");
                    }
                }
                case 1 -> approvals.request(key, List.of("p"), List.of("sec"));
                case 2 -> {
                    if (approvals.consume(key)) {
                        passes.merge(key, 1, Integer::sum);
                    }
                }
                default -> now.set(now.get().plus(Duration.ofMinutes(1)));
            }
        }
        for (ApprovalKey key : CALLS) {
            long granted = approvals.list(null).stream()
                    .filter(a -> a.key().equals(key) && a.decidedBy() != null)
                    .count();
            long used = approvals.list(ApprovalState.USED).stream()
                    .filter(a -> a.key().equals(key))
                    .count();
            assertThat(passes.getOrDefault(key, 0)).isEqualTo((int) used).isLessThanOrEqualTo((int) granted);
        }
    }
}

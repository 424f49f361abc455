package dev.mandate.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class ApprovalsTest {
    private static final ApprovalKey CALL = new ApprovalKey("m-42", "webhook.post", "sha256:d", "sha256:v1");

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T12:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final Approvals approvals = new Approvals(new InMemoryApprovalStore(), clock, Duration.ofMinutes(10));

    private Approval approved() {
        Approval a = approvals.request(CALL, List.of("no-egress-after-pii"), List.of("security-oncall"));
        return approvals.approve(a.id(), "bob", "ticket 42 needs it");
    }

    @Test
    void theIdenticalCallPassesOnce() {
        Approval a = approved();
        assertThat(a.state()).isEqualTo(ApprovalState.APPROVED);
        assertThat(a.decidedBy()).isEqualTo("bob");
        assertThat(approvals.consume(CALL)).isTrue();
        assertThat(approvals.consume(CALL)).isFalse();
        assertThat(java.util.Objects.requireNonNull(approvals.get(a.id())).state())
                .isEqualTo(ApprovalState.USED);
    }

    record Other(String name, UnaryOperator<ApprovalKey> change) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Other> otherCalls() {
        return Stream.of(
                new Other(
                        "another argument",
                        k -> new ApprovalKey(k.mandateId(), k.tool(), "sha256:e", k.policyVersion())),
                new Other(
                        "another mandate",
                        k -> new ApprovalKey("m-43", k.tool(), k.argumentDigest(), k.policyVersion())),
                new Other(
                        "another tool",
                        k -> new ApprovalKey(k.mandateId(), "mail.send", k.argumentDigest(), k.policyVersion())),
                new Other(
                        "another policy version",
                        k -> new ApprovalKey(k.mandateId(), k.tool(), k.argumentDigest(), "sha256:v2")));
    }

    @ParameterizedTest(name = "{0} is not approved")
    @MethodSource("otherCalls")
    void anApprovalIsBoundToItsExactCall(Other other) {
        approved();
        assertThat(approvals.consume(other.change().apply(CALL))).isFalse();
        assertThat(approvals.consume(CALL)).isTrue();
    }

    @Test
    void anExpiredApprovalLetsNothingThroughAndCannotBeDecided() {
        Approval pending = approvals.request(CALL, List.of("p"), List.of("sec"));
        approved();
        now.set(now.get().plus(Duration.ofMinutes(10)));
        assertThat(approvals.consume(CALL)).isFalse();
        assertThatThrownBy(() -> approvals.approve(pending.id(), "bob", "late"))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aPendingOrDeniedApprovalLetsNothingThrough() {
        Approval a = approvals.request(CALL, List.of("p"), List.of("sec"));
        assertThat(approvals.consume(CALL)).isFalse();
        Approval denied = approvals.deny(a.id(), "carol", "no");
        assertThat(denied.state()).isEqualTo(ApprovalState.DENIED);
        assertThat(approvals.consume(CALL)).isFalse();
    }

    @Test
    void aRetriedDenialReusesTheOpenApproval() {
        Approval first = approvals.request(CALL, List.of("p"), List.of("sec"));
        assertThat(approvals.request(CALL, List.of("p"), List.of("sec")).id()).isEqualTo(first.id());
        assertThat(approvals.list(ApprovalState.PENDING)).hasSize(1);
    }

    @Test
    void decidingTwiceOrUnknownIdsFailWithStableCodes() {
        Approval a = approved();
        assertThatThrownBy(() -> approvals.deny(a.id(), "bob", "changed my mind"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> approvals.approve("apr_nope", "bob", "x"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> approvals.approve(a.id(), " ", "x"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void sweepingDropsLongExpiredApprovals() {
        approvals.request(CALL, List.of("p"), List.of("sec"));
        now.set(now.get().plus(Duration.ofMinutes(21)));
        assertThat(approvals.sweep()).isEqualTo(1);
        assertThat(approvals.list(null)).isEmpty();
    }
}

package dev.mandate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.testing.InMemoryLeaseStore;
import dev.mandate.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class SharedSecretBackendTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofMinutes(5), Duration.ofMinutes(30), true);

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryLeaseStore store = new InMemoryLeaseStore();
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final List<String> accountPasswords = new ArrayList<>();
    private boolean rotationDown;
    private final SecretRotation rotation = s -> {
        if (rotationDown) {
            throw new MandateException(ErrorCode.UNAVAILABLE, "ledger down (test)");
        }
        accountPasswords.add(s.reveal());
    };
    private final SharedSecretBackend backend = newBackend();
    private final LeaseManager manager = newManager();

    private SharedSecretBackend newBackend() {
        return new SharedSecretBackend(
                "legacy", List.of(new SharedAccount("ledger", Map.of("username", "ledger_app"), rotation)), audit);
    }

    private LeaseManager newManager() {
        return new LeaseManager(
                store,
                List.of(backend),
                audit,
                clock,
                new RevocationBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4)));
    }

    private IssuedLease checkOut(LeaseManager m, String mandate) {
        return m.issue(mandate, "spiffe://d/agent/a", "legacy", "ledger", TERMS, T0.plus(Duration.ofHours(1)));
    }

    private String currentPassword() {
        return accountPasswords.getLast();
    }

    @Test
    void oneMandateAtATimeAndOthersAreRefusedWithConflict() {
        IssuedLease first = checkOut(manager, "m1");

        assertThat(first.credential().secret().reveal()).isEqualTo(currentPassword());
        assertThatThrownBy(() -> checkOut(manager, "m2"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("m1");
        assertThat(store.live()).extracting(Lease::mandateId).containsExactly("m1");
        assertThat(currentPassword())
                .as("a refused check-out must not rotate the holder's secret")
                .isEqualTo(first.credential().secret().reveal());
    }

    @Test
    void checkInRotatesSoTheHandedOutValueDiesAndTheNextHolderGetsANewOne() {
        IssuedLease first = checkOut(manager, "m1");
        manager.revoke(first.lease().id(), "admin", "task done");

        assertThat(currentPassword()).isNotEqualTo(first.credential().secret().reveal());
        IssuedLease second = checkOut(manager, "m2");
        assertThat(second.credential().secret().reveal()).isEqualTo(currentPassword());
        assertThat(audit.types())
                .containsSubsequence(
                        "secret.rotated",
                        "secret.checked-out",
                        "lease.issued",
                        "secret.rotated",
                        "secret.checked-in",
                        "lease.revoked",
                        "secret.checked-out");
        assertThat(audit.ofType("secret.checked-out"))
                .extracting(e -> e.details().get("mandate"))
                .containsExactly("m1", "m2");
        assertThat(audit.entries())
                .allSatisfy(e -> assertThat(e.toString())
                        .doesNotContain(first.credential().secret().reveal())
                        .doesNotContain(second.credential().secret().reveal()));
    }

    @Test
    void expiryChecksInAndRotates() {
        IssuedLease first = checkOut(manager, "m1");
        clock.advance(Duration.ofMinutes(5));
        manager.runDue();

        assertThat(currentPassword()).isNotEqualTo(first.credential().secret().reveal());
        assertThat(checkOut(manager, "m2").lease().state()).isEqualTo(LeaseState.ACTIVE);
    }

    @Test
    void failedRotationKeepsTheAccountHeldAndTheLeaseRevokingUntilARetrySucceeds() {
        IssuedLease first = checkOut(manager, "m1");
        rotationDown = true;

        assertThat(manager.revoke(first.lease().id(), "admin", "done").state()).isEqualTo(LeaseState.REVOKING);
        assertThatThrownBy(() -> checkOut(manager, "m2")).hasMessageContaining("checked out");

        rotationDown = false;
        clock.advance(Duration.ofSeconds(1));
        manager.runDue();
        assertThat(manager.find(first.lease().id()).orElseThrow().state()).isEqualTo(LeaseState.REVOKED);
        assertThat(checkOut(manager, "m2").credential().secret().reveal()).isEqualTo(currentPassword());
    }

    @Test
    void restartKeepsTheAccountHeldByItsRestoredLease() {
        checkOut(manager, "m1");
        SharedSecretBackend restartedBackend = newBackend();
        LeaseManager restarted =
                new LeaseManager(store, List.of(restartedBackend), audit, clock, RevocationBackoff.DEFAULT);
        restarted.restore();

        assertThatThrownBy(() -> checkOut(restarted, "m2"))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void unknownAccountIsRefusedAndDuplicateAccountsAreBadConfig() {
        assertThatThrownBy(() -> backend.validateScope("payroll")).hasMessageContaining("ledger");
        SharedAccount a = new SharedAccount("ledger", Map.of(), rotation);
        assertThatThrownBy(() -> new SharedSecretBackend("legacy", List.of(a, a), audit))
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("credentials.backends.legacy.accounts");
    }
}

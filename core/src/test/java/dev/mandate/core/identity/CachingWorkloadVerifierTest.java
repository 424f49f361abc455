package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class CachingWorkloadVerifierTest {
    private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
    private static final SpiffeId AGENT = SpiffeId.parse("spiffe://mandate.local/agent/support-bot");

    /** A clock the test moves by hand. */
    private static final class FakeClock implements InstantSource {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Verifies tokens named "good-…" (expiring at T0 + 5 min) and refuses others, recording every call. */
    private static final class RecordingVerifier implements WorkloadVerifier {
        final List<String> calls = new ArrayList<>();

        @Override
        public VerifiedWorkload verifyJwtSvid(String token, String expectedAudience) {
            calls.add(token + "@" + expectedAudience);
            if (!token.startsWith("good-")) {
                throw new MandateException(ErrorCode.UNAUTHENTICATED, "bad signature");
            }
            return new VerifiedWorkload(AGENT, T0.plus(Duration.ofMinutes(5)), "jwt-svid", Set.of(expectedAudience));
        }

        @Override
        public VerifiedWorkload verifyX509Svid(List<X509Certificate> chain) {
            calls.add("x509");
            return new VerifiedWorkload(AGENT, T0.plus(Duration.ofMinutes(5)), "x509-svid", Set.of());
        }
    }

    private final FakeClock clock = new FakeClock();
    private final RecordingVerifier real = new RecordingVerifier();
    private final CachingWorkloadVerifier cached = new CachingWorkloadVerifier(real, clock, Duration.ofMinutes(1));

    @Test
    void theSameSvidForTheSameAudienceIsVerifiedOnceWithinMaxAge() {
        VerifiedWorkload first = cached.verifyJwtSvid("good-1", "https://mandate");
        clock.now = T0.plusSeconds(59);
        assertThat(cached.verifyJwtSvid("good-1", "https://mandate")).isEqualTo(first);
        assertThat(real.calls).containsExactly("good-1@https://mandate");
    }

    @Test
    void aVerdictIsVerifiedAgainAfterMaxAge() {
        cached.verifyJwtSvid("good-1", "https://mandate");
        clock.now = T0.plusSeconds(60);
        cached.verifyJwtSvid("good-1", "https://mandate");
        assertThat(real.calls).hasSize(2);
    }

    @Test
    void anotherAudienceOrAnotherTokenIsAMiss() {
        cached.verifyJwtSvid("good-1", "https://mandate");
        cached.verifyJwtSvid("good-1", "https://elsewhere");
        cached.verifyJwtSvid("good-2", "https://mandate");
        assertThat(real.calls).hasSize(3);
    }

    @Test
    void failuresAreNeverRemembered() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cached.verifyJwtSvid("forged", "https://mandate"))
                    .isInstanceOf(MandateException.class);
        }
        assertThat(real.calls).hasSize(2);
    }

    @Test
    void clearForgetsEveryVerdictAndX509SvidsAreAlwaysVerified() {
        cached.verifyJwtSvid("good-1", "https://mandate");
        cached.clear();
        cached.verifyJwtSvid("good-1", "https://mandate");
        cached.verifyX509Svid(List.of());
        cached.verifyX509Svid(List.of());
        assertThat(real.calls).containsExactly("good-1@https://mandate", "good-1@https://mandate", "x509", "x509");
    }

    @Test
    void maxAgeOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> new CachingWorkloadVerifier(real, clock, Duration.ofMinutes(11)))
                .hasMessageContaining("1s-10m");
    }
}

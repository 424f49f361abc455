package dev.mandate.app.config;

import dev.mandate.core.mandate.MandateLimits;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of mandates, mandate tokens, DPoP and the audit log.
 *
 * @param limits delegation depth and per-tier limits ({@code mandate.max-depth}, {@code tier.*})
 * @param defaultCallBudget the call budget of a root mandate ({@code mandate.default-call-budget})
 * @param auditCheckpointEvery events between signed audit checkpoints ({@code audit.checkpoint-every})
 * @param oauthIssuer the {@code iss} of mandate tokens, or null for {@code http://<listen address>}
 * @param oauthAudience the {@code aud} of mandate tokens ({@code oauth.audience})
 * @param dpopIatWindow how far a DPoP proof's {@code iat} may be from now ({@code dpop.iat-window})
 * @param dpopReplayCacheSize the most DPoP proof ids remembered ({@code dpop.replay-cache-size})
 */
public record MandateSettings(
        MandateLimits limits,
        int defaultCallBudget,
        int auditCheckpointEvery,
        @Nullable String oauthIssuer,
        String oauthAudience,
        Duration dpopIatWindow,
        int dpopReplayCacheSize) {}

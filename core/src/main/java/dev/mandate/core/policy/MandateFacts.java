package dev.mandate.core.policy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.mandate.Tier;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the decision needs of one mandate.
 *
 * @param id the mandate id
 * @param agentId the agent it was issued to
 * @param purpose the task's purpose, e.g. {@code triage}
 * @param tier the autonomy tier the mandate runs at
 * @param depth 0 for a root mandate, n for the n-th delegation below it
 * @param onBehalfOf the person it acts for, or null
 * @param issuedAt when it was issued
 * @param expiresAt when it expires
 * @param scope the tools it asked for: {@code <server>.<tool>}, {@code <server>.*} or {@code *}; a call outside them is
 *     denied before policy; empty means nothing
 * @param callBudget the most calls it may make; 0 means the gateway's default
 * @param clearance the clearance of the person it acts for, or null when it acts for nobody
 */
public record MandateFacts(
        String id,
        String agentId,
        String purpose,
        Tier tier,
        int depth,
        @Nullable String onBehalfOf,
        Instant issuedAt,
        Instant expiresAt,
        Set<String> scope,
        long callBudget,
        @Nullable Sensitivity clearance) {
    /** Copies the scope and checks the numbers. */
    public MandateFacts {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scope = Set.copyOf(scope);
        if (id.isEmpty() || depth < 0 || callBudget < 0) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "mandate facts need an id, depth >= 0 and callBudget >= 0; got '" + id + "', " + depth + ", "
                            + callBudget);
        }
    }

    /**
     * Whether the mandate's declared scope covers a tool.
     *
     * @param action the namespaced name, {@code <server>.<tool>}
     * @return true if an entry names it exactly, names its server with {@code .*}, or is {@code *}
     */
    public boolean inScope(String action) {
        if (scope.contains("*") || scope.contains(action)) {
            return true;
        }
        int dot = action.indexOf('.');
        return dot > 0 && scope.contains(action.substring(0, dot) + ".*");
    }
}

package dev.mandate.core.approval;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One approval: which call, who was asked, and what was decided.
 *
 * @param id the approval id agents wait on, {@code apr_<hex>}
 * @param key the call it is bound to
 * @param policyIds the policies that asked for it
 * @param approvers who was asked, from the {@code @approval} annotations
 * @param createdAt when the denial created it
 * @param expiresAt after this it neither can be decided nor lets a call through
 * @param state where it is
 * @param decidedBy who approved or denied it, or null
 * @param reason why they did, or null
 * @param decidedAt when, or null
 */
public record Approval(
        String id,
        ApprovalKey key,
        List<String> policyIds,
        List<String> approvers,
        Instant createdAt,
        Instant expiresAt,
        ApprovalState state,
        @Nullable String decidedBy,
        @Nullable String reason,
        @Nullable Instant decidedAt) {
    /** Copies the lists and checks the parts. */
    public Approval {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        policyIds = List.copyOf(policyIds);
        approvers = List.copyOf(approvers);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(state, "state");
    }

    /**
     * Whether it has expired at an instant.
     *
     * @param now the instant
     * @return true at or after {@link #expiresAt}
     */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    Approval with(ApprovalState next, @Nullable String who, @Nullable String why, @Nullable Instant when) {
        return new Approval(id, key, policyIds, approvers, createdAt, expiresAt, next, who, why, when);
    }
}

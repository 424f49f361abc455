package dev.mandate.core.identity;

import dev.mandate.core.mandate.Tier;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A partial update of an agent: null fields stay as they are.
 *
 * @param owner a new owner, or null
 * @param tier a new tier, or null
 * @param purposes the new purposes, or null
 * @param labelsCeiling a new ceiling, or null to leave it (see {@code clearLabelsCeiling})
 * @param clearLabelsCeiling true to remove the ceiling; then {@code labelsCeiling} must be null
 * @param status a new status, or null
 */
public record AgentChanges(
        @Nullable String owner,
        @Nullable Tier tier,
        @Nullable Set<String> purposes,
        @Nullable Set<String> labelsCeiling,
        boolean clearLabelsCeiling,
        @Nullable AgentStatus status) {
    /** Refuses setting and clearing the ceiling at once. */
    public AgentChanges {
        if (clearLabelsCeiling && labelsCeiling != null) {
            throw new IllegalArgumentException("either set or clear the labels ceiling, not both");
        }
    }
}

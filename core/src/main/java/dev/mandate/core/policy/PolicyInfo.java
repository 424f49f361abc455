package dev.mandate.core.policy;

import dev.mandate.cedar.Effect;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One loaded policy as Mandate names it.
 *
 * @param id its {@code @id} annotation, else {@code <file>:<n>} with n counting the file's policies from 0
 * @param location the file it was loaded from
 * @param effect permit or forbid
 * @param approver the {@code @approval("<who>")} annotation of a forbid, or null
 * @param redact the {@code @redact("<json-path>")} annotation of a permit, or null
 */
public record PolicyInfo(
        String id,
        String location,
        Effect effect,
        @Nullable String approver,
        @Nullable String redact) {
    /** Checks the parts are present. */
    public PolicyInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(effect, "effect");
    }
}

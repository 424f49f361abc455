package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.SpiffeId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Authority for one task, as it stands at one moment.
 *
 * @param id the mandate id, {@code mdt_...}
 * @param agent the agent that holds it
 * @param onBehalfOf the principal the agent acts for, or null
 * @param purpose the task's purpose, one of the agent's allowed purposes
 * @param tools the tools it may call
 * @param resources the resources it may read
 * @param tier the autonomy tier it runs at (never more autonomous than its parent's)
 * @param parentId the mandate it was delegated from, or null for a root
 * @param depth 0 for a root, parent's depth + 1 for a child
 * @param issued when it was opened
 * @param expires when it expires unless renewed
 * @param maxExpires the latest it can ever be renewed to (issued + max lifetime, capped by the parent's)
 * @param ttl how far one renewal (heartbeat) extends it
 * @param state its state
 * @param flowLabels the flow labels it has accumulated
 * @param labelCeiling the labels it may accumulate ({@value Scope#ANY_LABEL} allows every label)
 * @param callBudget the most tool calls it may make
 * @param ended when it stopped being active, or null while active
 * @param endReason why it ended, or null while active
 * @param clearance the highest sensitivity its principal may read, or null when it acts for nobody; a mandate that acts
 *     for a principal whose ID token carried no (known) clearance has {@link Sensitivity#PUBLIC}, the most restrictive
 */
public record Mandate(
        String id,
        SpiffeId agent,
        @Nullable String onBehalfOf,
        String purpose,
        Set<String> tools,
        Set<String> resources,
        Tier tier,
        @Nullable String parentId,
        int depth,
        Instant issued,
        Instant expires,
        Instant maxExpires,
        Duration ttl,
        MandateState state,
        Set<String> flowLabels,
        Set<String> labelCeiling,
        int callBudget,
        @Nullable Instant ended,
        @Nullable String endReason,
        @Nullable Sensitivity clearance)
        implements dev.mandate.core.audit.AuditedRow {

    /** Validates the fields and copies the sets. */
    public Mandate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agent, "agent");
        Scope.purpose(purpose);
        tools = Scope.names("tools", tools);
        resources = Scope.names("resources", resources);
        flowLabels = Scope.names("flow labels", flowLabels);
        labelCeiling = Scope.names("label ceiling", labelCeiling);
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(state, "state");
        if (depth < 0 || (depth == 0) != (parentId == null)) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "mandate " + id + ": depth " + depth + " does not match parent " + parentId);
        }
        if (expires.isBefore(issued) || maxExpires.isBefore(expires)) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "mandate " + id + ": needs issued <= expires <= max-expires, got " + issued + ", " + expires + ", "
                            + maxExpires);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "mandate " + id + ": ttl must be positive, got " + ttl);
        }
        if (callBudget < 0) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "mandate " + id + ": call budget < 0: " + callBudget);
        }
        if (clearance != null && onBehalfOf == null) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "mandate " + id + ": a clearance (" + clearance.wireName() + ") belongs to a principal, and it acts"
                            + " for nobody");
        }
        if ((state == MandateState.ACTIVE) != (ended == null)) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "mandate " + id + ": an ended time goes with a final state, got " + state);
        }
    }

    /**
     * Returns this mandate with other flow labels (they were written back after it was loaded).
     *
     * @param labels the labels
     * @return the copy
     */
    public Mandate withFlowLabels(Set<String> labels) {
        return new Mandate(
                id,
                agent,
                onBehalfOf,
                purpose,
                tools,
                resources,
                tier,
                parentId,
                depth,
                issued,
                expires,
                maxExpires,
                ttl,
                state,
                labels,
                labelCeiling,
                callBudget,
                ended,
                endReason,
                clearance);
    }
}

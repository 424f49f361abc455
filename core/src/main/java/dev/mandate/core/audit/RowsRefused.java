package dev.mandate.core.audit;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AuditStore} refused some rows of an append by a rule of their own (a new mandate whose agent is disabled),
 * not because the store failed: nothing of the append was written, and the {@link AuditLog} fails only the callers
 * whose rows were refused — each with the exception given here for its row — and appends the others again. Thrown by
 * {@link AuditStore#append(java.util.List, AuditCheckpoint, java.util.List)}.
 */
public final class RowsRefused extends MandateException {
    private static final long serialVersionUID = 1L;

    /** What each refused row's caller is told; kept in memory only. */
    private final transient Map<AuditedRow, MandateException> refused;

    /**
     * Creates the exception.
     *
     * @param refused the refused rows (at least one), each with the exception its caller gets
     * @throws IllegalArgumentException if {@code refused} is empty
     */
    public RowsRefused(Map<AuditedRow, ? extends MandateException> refused) {
        super(ErrorCode.FORBIDDEN, describe(refused));
        this.refused = Map.copyOf(refused);
    }

    private static String describe(Map<AuditedRow, ? extends MandateException> refused) {
        Objects.requireNonNull(refused, "refused");
        if (refused.isEmpty()) {
            throw new IllegalArgumentException("RowsRefused needs at least one refused row, got none");
        }
        return refused.size() + " row(s) refused, nothing written; first: "
                + refused.values().iterator().next().getMessage();
    }

    /**
     * Returns why a row was refused.
     *
     * @param row a row of the refused append
     * @return the exception for its caller, or null if the row was not refused
     */
    public @Nullable MandateException refusal(AuditedRow row) {
        return refused.get(row);
    }
}

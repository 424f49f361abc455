package dev.mandate.cedar.internal.ast;

import dev.mandate.cedar.Effect;
import java.util.Map;

/**
 * One parsed policy or template.
 *
 * @param effect permit or forbid
 * @param annotations annotations in written order
 * @param principal the principal constraint
 * @param action the action constraint
 * @param resource the resource constraint
 * @param condition the conjunction of the {@code when} bodies and negated {@code unless} bodies, in order;
 *     null when the policy has none
 * @param line the line of the policy's first token
 * @param column the column of the policy's first token
 */
public record PolicyAst(
        Effect effect,
        Map<String, String> annotations,
        Scope principal,
        Scope action,
        Scope resource,
        @org.jspecify.annotations.Nullable Expr condition,
        int line,
        int column) {

    /**
     * Tells whether the policy has a slot, so it is a template.
     *
     * @return true for a template
     */
    public boolean isTemplate() {
        return hasSlot(principal) || hasSlot(resource);
    }

    private static boolean hasSlot(Scope s) {
        return switch (s) {
            case Scope.Eq eq -> eq.slot() != null;
            case Scope.In in -> in.slot() != null;
            case Scope.Is is -> is.in() != null && is.in().slot() != null;
            case Scope.Any any -> false;
            case Scope.InSet set -> false;
        };
    }
}

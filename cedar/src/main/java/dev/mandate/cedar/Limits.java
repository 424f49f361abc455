package dev.mandate.cedar;

/**
 * Named limits on input, so hostile policy text or entity data fails with a clear error instead of
 * exhausting memory or stack. Errors name the limit and the value that broke it.
 *
 * @param maxPolicyTextChars the longest policy text {@link PolicySet#parse(String, Limits)} accepts
 * @param maxExpressionDepth the deepest nesting of expressions in a policy
 * @param maxEntityHierarchyDepth the longest chain of parents in {@link Entities}
 */
public record Limits(int maxPolicyTextChars, int maxExpressionDepth, int maxEntityHierarchyDepth) {
    /** Defaults: 8 MiB characters of policy text, nesting depth 200, hierarchy depth 100. */
    public static final Limits DEFAULTS = new Limits(8 * 1024 * 1024, 200, 100);

    /** Validates the limits. */
    public Limits {
        positive("maxPolicyTextChars", maxPolicyTextChars);
        positive("maxExpressionDepth", maxExpressionDepth);
        positive("maxEntityHierarchyDepth", maxEntityHierarchyDepth);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("Limits." + name + " must be at least 1: " + value);
        }
    }

    /**
     * Returns a copy with another policy text limit.
     *
     * @param chars the new limit
     * @return the copy
     */
    public Limits withMaxPolicyTextChars(int chars) {
        return new Limits(chars, maxExpressionDepth, maxEntityHierarchyDepth);
    }

    /**
     * Returns a copy with another nesting depth limit.
     *
     * @param depth the new limit
     * @return the copy
     */
    public Limits withMaxExpressionDepth(int depth) {
        return new Limits(maxPolicyTextChars, depth, maxEntityHierarchyDepth);
    }

    /**
     * Returns a copy with another hierarchy depth limit.
     *
     * @param depth the new limit
     * @return the copy
     */
    public Limits withMaxEntityHierarchyDepth(int depth) {
        return new Limits(maxPolicyTextChars, maxExpressionDepth, depth);
    }
}

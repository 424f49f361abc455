package dev.mandate.cedar.internal.ast;

import dev.mandate.cedar.Policy;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Gives code inside the module (the validator) the syntax tree of a {@link Policy} without making the tree
 * part of the public API; {@code Policy} installs the accessor when its class initialises.
 */
public final class PolicyAsts {
    private static volatile @Nullable Function<Policy, PolicyAst> accessor;

    private PolicyAsts() {}

    /**
     * Installs the accessor; called once by {@code Policy}.
     *
     * @param f the accessor
     * @throws IllegalStateException if an accessor is already installed
     */
    public static synchronized void install(Function<Policy, PolicyAst> f) {
        if (accessor != null) {
            throw new IllegalStateException("the policy syntax-tree accessor is already installed");
        }
        accessor = f;
    }

    /**
     * Returns the syntax tree of a policy.
     *
     * @param p the policy
     * @return its tree
     */
    public static PolicyAst of(Policy p) {
        Function<Policy, PolicyAst> f = accessor;
        if (f == null) {
            throw new IllegalStateException("Policy has not installed the syntax-tree accessor");
        }
        return f.apply(p);
    }
}

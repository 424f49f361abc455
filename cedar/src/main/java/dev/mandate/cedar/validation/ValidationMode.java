package dev.mandate.cedar.validation;

/** How strictly the validator types policies. */
public enum ValidationMode {
    /**
     * The reference default: operands of {@code ==}, set elements and branches of {@code if} must have
     * compatible types (two entity types compare), and the empty set literal is refused.
     */
    STRICT,
    /** Allows mixing entity types in sets and branches, typing them as the union of the types. */
    PERMISSIVE
}

package dev.mandate.cedar.internal.ast;

/** Binary operators and the built-in methods that take one argument. */
public enum BinaryOp {
    /** {@code ==}. */
    EQ,
    /** {@code !=}. */
    NEQ,
    /** {@code <}. */
    LT,
    /** {@code <=}. */
    LE,
    /** {@code >}. */
    GT,
    /** {@code >=}. */
    GE,
    /** {@code in}. */
    IN,
    /** {@code +}. */
    ADD,
    /** {@code -}. */
    SUB,
    /** {@code *}. */
    MUL,
    /** {@code .contains(x)}. */
    CONTAINS,
    /** {@code .containsAll(x)}. */
    CONTAINS_ALL,
    /** {@code .containsAny(x)}. */
    CONTAINS_ANY,
    /** {@code .hasTag(x)}. */
    HAS_TAG,
    /** {@code .getTag(x)}. */
    GET_TAG
}

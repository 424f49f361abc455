package dev.mandate.cedar.internal.ast;

/** The four request variables. */
public enum VarKind {
    /** {@code principal}. */
    PRINCIPAL,
    /** {@code action}. */
    ACTION,
    /** {@code resource}. */
    RESOURCE,
    /** {@code context}. */
    CONTEXT
}

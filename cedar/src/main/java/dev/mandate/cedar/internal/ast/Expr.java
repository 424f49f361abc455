package dev.mandate.cedar.internal.ast;

import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.Value;
import java.util.List;
import java.util.Map;

/** A Cedar expression. Nested paths in {@code has} and {@code is ... in} are desugared by the parser. */
public sealed interface Expr {

    /** A literal value. */
    record Lit(Value value) implements Expr {}

    /** One of the request variables. */
    record Var(VarKind kind) implements Expr {}

    /** A template slot, replaced by an entity when the template is linked. */
    record Slot(String name) implements Expr {}

    /** Boolean negation. */
    record Not(Expr operand) implements Expr {}

    /** Arithmetic negation. */
    record Neg(Expr operand) implements Expr {}

    /** Short-circuit conjunction. */
    record And(Expr left, Expr right) implements Expr {}

    /** Short-circuit disjunction. */
    record Or(Expr left, Expr right) implements Expr {}

    /** {@code if c then a else b}. */
    record If(Expr condition, Expr then, Expr otherwise) implements Expr {}

    /** A binary operator or built-in two-argument method. */
    record Binary(BinaryOp op, Expr left, Expr right) implements Expr {}

    /** {@code e.isEmpty()}. */
    record IsEmpty(Expr operand) implements Expr {}

    /** {@code e.attr} or {@code e["attr"]}. */
    record GetAttr(Expr target, String attribute) implements Expr {}

    /** {@code e has attr}. */
    record HasAttr(Expr target, String attribute) implements Expr {}

    /** {@code e like "pattern"}. */
    record Like(Expr target, Pattern pattern) implements Expr {}

    /** {@code e is Type}. */
    record Is(Expr target, String entityType) implements Expr {}

    /** An extension function or method call; a method's receiver is the first argument. */
    record ExtCall(String function, List<Expr> arguments) implements Expr {
        /** Copies the arguments. */
        public ExtCall {
            arguments = List.copyOf(arguments);
        }
    }

    /** A set literal. */
    record SetLit(List<Expr> elements) implements Expr {
        /** Copies the elements. */
        public SetLit {
            elements = List.copyOf(elements);
        }
    }

    /** A record literal; the map keeps the written order. */
    record RecordLit(Map<String, Expr> attributes) implements Expr {}

    /**
     * Returns a literal entity uid expression.
     *
     * @param uid the uid
     * @return the literal
     */
    static Expr entity(EntityUid uid) {
        return new Lit(uid);
    }
}

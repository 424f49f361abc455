package dev.mandate.cedar.validation;

import dev.mandate.cedar.internal.ast.BinaryOp;
import dev.mandate.cedar.internal.ast.Expr;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes an expression back as Cedar text for error messages, so an error names the offending expression
 * even though the syntax tree keeps only the policy's position. Long texts are shortened.
 */
final class ExprText {
    /** Messages quote at most this many characters of an expression. */
    static final int MAX_CHARS = 80;

    private ExprText() {}

    static String of(Expr e) {
        String s = write(e);
        return "`" + (s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS - 3) + "..." : s) + "`";
    }

    private static String write(Expr e) {
        return switch (e) {
            case Expr.Lit l -> l.value().toString();
            case Expr.Var v -> v.kind().name().toLowerCase(java.util.Locale.ROOT);
            case Expr.Slot s -> "?" + s.name();
            case Expr.Not n -> "!" + paren(n.operand());
            case Expr.Neg n -> "-" + paren(n.operand());
            case Expr.And a -> paren(a.left()) + " && " + paren(a.right());
            case Expr.Or o -> paren(o.left()) + " || " + paren(o.right());
            case Expr.If i ->
                "if " + write(i.condition()) + " then " + write(i.then()) + " else " + write(i.otherwise());
            case Expr.Binary b -> binary(b);
            case Expr.IsEmpty i -> paren(i.operand()) + ".isEmpty()";
            case Expr.GetAttr g -> paren(g.target()) + "." + g.attribute();
            case Expr.HasAttr h -> paren(h.target()) + " has " + h.attribute();
            case Expr.Like l -> paren(l.target()) + " like \"" + l.pattern() + "\"";
            case Expr.Is i -> paren(i.target()) + " is " + i.entityType();
            case Expr.ExtCall c ->
                c.function() + "(" + c.arguments().stream().map(ExprText::write).collect(Collectors.joining(", "))
                        + ")";
            case Expr.SetLit s ->
                "[" + s.elements().stream().map(ExprText::write).collect(Collectors.joining(", ")) + "]";
            case Expr.RecordLit r ->
                "{"
                        + r.attributes().entrySet().stream()
                                .map((Map.Entry<String, Expr> a) -> a.getKey() + ": " + write(a.getValue()))
                                .collect(Collectors.joining(", "))
                        + "}";
        };
    }

    private static String binary(Expr.Binary b) {
        String op = switch (b.op()) {
            case EQ -> "==";
            case NEQ -> "!=";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            case IN -> "in";
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case CONTAINS, CONTAINS_ALL, CONTAINS_ANY, HAS_TAG, GET_TAG -> null;
        };
        if (op == null) {
            return paren(b.left()) + "." + method(b.op()) + "(" + write(b.right()) + ")";
        }
        return paren(b.left()) + " " + op + " " + paren(b.right());
    }

    private static String method(BinaryOp op) {
        return switch (op) {
            case CONTAINS -> "contains";
            case CONTAINS_ALL -> "containsAll";
            case CONTAINS_ANY -> "containsAny";
            case HAS_TAG -> "hasTag";
            default -> "getTag";
        };
    }

    private static String paren(Expr e) {
        String s = write(e);
        return e instanceof Expr.Lit
                        || e instanceof Expr.Var
                        || e instanceof Expr.GetAttr
                        || e instanceof Expr.ExtCall
                        || e instanceof Expr.SetLit
                        || e instanceof Expr.RecordLit
                ? s
                : "(" + s + ")";
    }
}

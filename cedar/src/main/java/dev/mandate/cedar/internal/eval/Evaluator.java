package dev.mandate.cedar.internal.eval;

import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.Entity;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.ExtensionValue;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.SetValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.Value;
import dev.mandate.cedar.internal.ast.BinaryOp;
import dev.mandate.cedar.internal.ast.Expr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates expressions against one request and entity store. One instance per decision; it holds no
 * state beyond its inputs. The switch over the sealed expression tree is the hot path, kept in one class.
 */
public final class Evaluator {
    private final Request request;
    private final Entities entities;

    /**
     * Creates an evaluator.
     *
     * @param request the request whose variables expressions read
     * @param entities the entity store for attributes, tags and {@code in}
     */
    public Evaluator(Request request, Entities entities) {
        this.request = request;
        this.entities = entities;
    }

    /**
     * Evaluates a condition that must produce a boolean.
     *
     * @param e the expression
     * @return its boolean value
     * @throws EvalException on any evaluation error, including a non-boolean result
     */
    public boolean evalBool(Expr e) {
        return bool(eval(e));
    }

    /**
     * Evaluates an expression.
     *
     * @param e the expression
     * @return its value
     * @throws EvalException on any evaluation error
     */
    public Value eval(Expr e) {
        return switch (e) {
            case Expr.Lit lit -> lit.value();
            case Expr.Var v ->
                switch (v.kind()) {
                    case PRINCIPAL -> request.principal();
                    case ACTION -> request.action();
                    case RESOURCE -> request.resource();
                    case CONTEXT -> request.context();
                };
            case Expr.Slot s -> throw new EvalException("template slot " + s.name() + " is not linked");
            case Expr.Not n -> BoolValue.of(!bool(eval(n.operand())));
            case Expr.Neg n -> {
                long x = asLong(eval(n.operand()));
                if (x == Long.MIN_VALUE) {
                    throw new EvalException("integer overflow: -(" + x + ")");
                }
                yield new LongValue(-x);
            }
            case Expr.And a -> {
                if (!bool(eval(a.left()))) {
                    yield BoolValue.FALSE;
                }
                yield BoolValue.of(bool(eval(a.right())));
            }
            case Expr.Or o -> {
                if (bool(eval(o.left()))) {
                    yield BoolValue.TRUE;
                }
                yield BoolValue.of(bool(eval(o.right())));
            }
            case Expr.If i -> bool(eval(i.condition())) ? eval(i.then()) : eval(i.otherwise());
            case Expr.Binary b -> binary(b.op(), eval(b.left()), eval(b.right()));
            case Expr.IsEmpty ie ->
                BoolValue.of(asSet(eval(ie.operand())).elements().isEmpty());
            case Expr.GetAttr g -> getAttr(eval(g.target()), g.attribute());
            case Expr.HasAttr h -> BoolValue.of(hasAttr(eval(h.target()), h.attribute()));
            case Expr.Like l -> BoolValue.of(l.pattern().matches(asString(eval(l.target()))));
            case Expr.Is is -> BoolValue.of(asEntity(eval(is.target())).type().equals(is.entityType()));
            case Expr.ExtCall c -> {
                List<Value> args = new ArrayList<>(c.arguments().size());
                for (Expr a : c.arguments()) {
                    args.add(eval(a));
                }
                yield Extensions.call(c.function(), args);
            }
            case Expr.SetLit s -> {
                List<Value> vals = new ArrayList<>(s.elements().size());
                for (Expr a : s.elements()) {
                    vals.add(eval(a));
                }
                yield SetValue.of(vals);
            }
            case Expr.RecordLit r -> {
                Map<String, Value> vals = new LinkedHashMap<>();
                for (Map.Entry<String, Expr> a : r.attributes().entrySet()) {
                    vals.put(a.getKey(), eval(a.getValue()));
                }
                yield new RecordValue(vals);
            }
        };
    }

    private Value binary(BinaryOp op, Value l, Value r) {
        return switch (op) {
            case EQ -> BoolValue.of(l.equals(r));
            case NEQ -> BoolValue.of(!l.equals(r));
            case LT -> BoolValue.of(compare(op, l, r) < 0);
            case LE -> BoolValue.of(compare(op, l, r) <= 0);
            case GT -> BoolValue.of(compare(op, l, r) > 0);
            case GE -> BoolValue.of(compare(op, l, r) >= 0);
            case ADD -> {
                long a = asLong(l);
                long b = asLong(r);
                long s = a + b;
                if (((a ^ s) & (b ^ s)) < 0) {
                    throw new EvalException("integer overflow: " + a + " + " + b);
                }
                yield new LongValue(s);
            }
            case SUB -> {
                long a = asLong(l);
                long b = asLong(r);
                long s = a - b;
                if (((a ^ b) & (a ^ s)) < 0) {
                    throw new EvalException("integer overflow: " + a + " - " + b);
                }
                yield new LongValue(s);
            }
            case MUL -> {
                long a = asLong(l);
                long b = asLong(r);
                long hi = Math.multiplyHigh(a, b);
                long lo = a * b;
                if ((hi != 0 || lo < 0) && (hi != -1 || lo >= 0)) {
                    throw new EvalException("integer overflow: " + a + " * " + b);
                }
                yield new LongValue(lo);
            }
            case IN -> BoolValue.of(in(asEntity(l), r));
            case CONTAINS -> BoolValue.of(asSet(l).elements().contains(r));
            case CONTAINS_ALL -> BoolValue.of(asSet(l).elements().containsAll(asSet(r).elements()));
            case CONTAINS_ANY -> {
                Set<Value> a = asSet(l).elements();
                Set<Value> b = asSet(r).elements();
                boolean any = false;
                for (Value v : b) {
                    if (a.contains(v)) {
                        any = true;
                        break;
                    }
                }
                yield BoolValue.of(any);
            }
            case HAS_TAG -> {
                EntityUid uid = asEntity(l);
                String tag = asString(r);
                Entity ent = entities.get(uid);
                yield BoolValue.of(ent != null && ent.tags().containsKey(tag));
            }
            case GET_TAG -> {
                EntityUid uid = asEntity(l);
                String tag = asString(r);
                Entity ent = entities.get(uid);
                if (ent == null) {
                    throw new EvalException("entity " + uid + " does not exist");
                }
                Value v = ent.tags().get(tag);
                if (v == null) {
                    throw new EvalException("entity " + uid + " has no tag `" + tag + "`");
                }
                yield v;
            }
        };
    }

    private int compare(BinaryOp op, Value l, Value r) {
        if (l instanceof LongValue a && r instanceof LongValue b) {
            return Long.compare(a.value(), b.value());
        }
        if (l instanceof ExtensionValue a
                && r instanceof ExtensionValue b
                && a.typeName().equals(b.typeName())
                && Extensions.supportsOrdering(a.typeName())) {
            return Extensions.compare(a, b);
        }
        throw new EvalException("type error: " + op + " needs two Longs, or two datetime or duration values, found "
                + l.typeName() + " and " + r.typeName());
    }

    private boolean in(EntityUid child, Value r) {
        if (r instanceof EntityUid parent) {
            return entities.isIn(child, parent);
        }
        if (r instanceof SetValue s) {
            for (Value v : s.elements()) {
                if (!(v instanceof EntityUid)) {
                    throw new EvalException(
                            "type error: `in` needs a set of entities, found an element of type " + v.typeName());
                }
            }
            for (Value v : s.elements()) {
                if (entities.isIn(child, (EntityUid) v)) {
                    return true;
                }
            }
            return false;
        }
        throw new EvalException(
                "type error: the right side of `in` must be an entity or a set of entities, found " + r.typeName());
    }

    private Value getAttr(Value target, String attr) {
        if (target instanceof RecordValue rec) {
            Value v = rec.attributes().get(attr);
            if (v == null) {
                throw new EvalException("record does not have the attribute `" + attr + "`");
            }
            return v;
        }
        if (target instanceof EntityUid uid) {
            Entity ent = entities.get(uid);
            if (ent == null) {
                throw new EvalException("entity " + uid + " does not exist");
            }
            Value v = ent.attributes().get(attr);
            if (v == null) {
                throw new EvalException("entity " + uid + " does not have the attribute `" + attr + "`");
            }
            return v;
        }
        throw new EvalException("type error: `." + attr + "` needs an entity or a record, found " + target.typeName());
    }

    private boolean hasAttr(Value target, String attr) {
        if (target instanceof RecordValue rec) {
            return rec.attributes().containsKey(attr);
        }
        if (target instanceof EntityUid uid) {
            Entity ent = entities.get(uid);
            return ent != null && ent.attributes().containsKey(attr);
        }
        throw new EvalException(
                "type error: `has " + attr + "` needs an entity or a record, found " + target.typeName());
    }

    static boolean bool(Value v) {
        if (v instanceof BoolValue b) {
            return b.value();
        }
        throw new EvalException("type error: expected a Bool, found " + v.typeName());
    }

    static long asLong(Value v) {
        if (v instanceof LongValue l) {
            return l.value();
        }
        throw new EvalException("type error: expected a Long, found " + v.typeName());
    }

    static String asString(Value v) {
        if (v instanceof StringValue s) {
            return s.value();
        }
        throw new EvalException("type error: expected a String, found " + v.typeName());
    }

    static EntityUid asEntity(Value v) {
        if (v instanceof EntityUid u) {
            return u;
        }
        throw new EvalException("type error: expected an entity, found " + v.typeName());
    }

    static SetValue asSet(Value v) {
        if (v instanceof SetValue s) {
            return s;
        }
        throw new EvalException("type error: expected a Set, found " + v.typeName());
    }
}

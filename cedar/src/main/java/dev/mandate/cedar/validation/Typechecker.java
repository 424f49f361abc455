package dev.mandate.cedar.validation;

import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.ExtensionValue;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.Value;
import dev.mandate.cedar.internal.ast.BinaryOp;
import dev.mandate.cedar.internal.ast.Expr;
import dev.mandate.cedar.internal.ast.PolicyAst;
import dev.mandate.cedar.internal.ast.Scope;
import dev.mandate.cedar.schema.ActionDecl;
import dev.mandate.cedar.schema.ActionRef;
import dev.mandate.cedar.schema.EntityTypeDecl;
import dev.mandate.cedar.schema.Schema;
import dev.mandate.cedar.schema.SchemaType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Type-checks one policy against a schema. One class because the checks share the request environment, the
 * capability sets and the error list; the per-operator rules follow the reference typechecker.
 */
final class Typechecker {
    /** A fact proven by {@code has} or {@code hasTag}: {@code target} has attribute (or tag) {@code key}. */
    private record Cap(Expr target, Object key, boolean tag) {}

    /** A type with the capabilities proven when the expression evaluates to true. */
    private record Typed(Ty type, Set<Cap> caps) {
        static Typed of(Ty t) {
            return new Typed(t, Set.of());
        }
    }

    /** One request environment: an action with one principal and one resource type. */
    private record Env(String principal, ActionDecl action, String resource) {}

    private record Sig(List<Ty> params, Ty result) {}

    private static final Ty IP = new Ty.TExt("ipaddr");
    private static final Ty DEC = new Ty.TExt("decimal");
    private static final Ty DT = new Ty.TExt("datetime");
    private static final Ty DUR = new Ty.TExt("duration");
    private static final Map<String, Sig> FUNCTIONS = Map.ofEntries(
            Map.entry("ip", new Sig(List.of(Ty.STRING), IP)),
            Map.entry("decimal", new Sig(List.of(Ty.STRING), DEC)),
            Map.entry("datetime", new Sig(List.of(Ty.STRING), DT)),
            Map.entry("duration", new Sig(List.of(Ty.STRING), DUR)),
            Map.entry("isIpv4", new Sig(List.of(IP), Ty.BOOL)),
            Map.entry("isIpv6", new Sig(List.of(IP), Ty.BOOL)),
            Map.entry("isLoopback", new Sig(List.of(IP), Ty.BOOL)),
            Map.entry("isMulticast", new Sig(List.of(IP), Ty.BOOL)),
            Map.entry("isInRange", new Sig(List.of(IP, IP), Ty.BOOL)),
            Map.entry("lessThan", new Sig(List.of(DEC, DEC), Ty.BOOL)),
            Map.entry("lessThanOrEqual", new Sig(List.of(DEC, DEC), Ty.BOOL)),
            Map.entry("greaterThan", new Sig(List.of(DEC, DEC), Ty.BOOL)),
            Map.entry("greaterThanOrEqual", new Sig(List.of(DEC, DEC), Ty.BOOL)),
            Map.entry("offset", new Sig(List.of(DT, DUR), DT)),
            Map.entry("durationSince", new Sig(List.of(DT, DT), DUR)),
            Map.entry("toDate", new Sig(List.of(DT), DT)),
            Map.entry("toTime", new Sig(List.of(DT), DUR)),
            Map.entry("toDays", new Sig(List.of(DUR), Ty.LONG)),
            Map.entry("toHours", new Sig(List.of(DUR), Ty.LONG)),
            Map.entry("toMinutes", new Sig(List.of(DUR), Ty.LONG)),
            Map.entry("toSeconds", new Sig(List.of(DUR), Ty.LONG)),
            Map.entry("toMilliseconds", new Sig(List.of(DUR), Ty.LONG)));

    private final Schema schema;
    private final boolean strict;
    private final String policyId;
    private final PolicyAst ast;
    private final Set<ValidationError> errors = new LinkedHashSet<>();
    private @Nullable Env env;
    // By identity; null when the policy came without positions (then errors are at the policy's start).
    private final @Nullable IdentityHashMap<Expr, Long> positions;
    // Where the expression being checked starts (line << 32 | column), or the policy's start.
    private long here;

    Typechecker(Schema schema, ValidationMode mode, String policyId, PolicyAst ast) {
        this(schema, mode, policyId, ast, null);
    }

    Typechecker(
            Schema schema,
            ValidationMode mode,
            String policyId,
            PolicyAst ast,
            @Nullable IdentityHashMap<Expr, Long> positions) {
        this.schema = schema;
        this.strict = mode == ValidationMode.STRICT;
        this.policyId = policyId;
        this.ast = ast;
        this.positions = positions;
        this.here = start();
    }

    private long start() {
        return ((long) ast.line() << 32) | (ast.column() & 0xffffffffL);
    }

    /** Moves {@link #here} to an expression's start when the parser noted it; returns where it was. */
    private long enter(Expr e) {
        long saved = here;
        IdentityHashMap<Expr, Long> known = positions;
        Long p = known == null ? null : known.get(e);
        if (p != null) {
            here = p;
        }
        return saved;
    }

    List<ValidationError> check() {
        checkNames();
        List<Env> envs = environments();
        if (envs.isEmpty()) {
            error(
                    "invalid-action-application",
                    "the policy applies to no request the schema allows: no action in its scope applies to a"
                            + " principal and resource type its scope admits");
        }
        Expr cond = ast.condition();
        if (cond != null) {
            for (Env e : envs) {
                env = e;
                Typed t = tc(cond, Set.of());
                expectBool(t, "the policy condition");
            }
        }
        return new ArrayList<>(errors);
    }

    private void error(String code, String message) {
        errors.add(new ValidationError(policyId, (int) (here >>> 32), (int) here, code, message));
    }

    private Env env() {
        Env e = env;
        if (e == null) {
            throw new IllegalStateException("no request environment");
        }
        return e;
    }

    // ---- names: entity types, actions and enum ids used anywhere in the policy ----

    private void checkNames() {
        checkScope(ast.principal(), false);
        checkScope(ast.action(), true);
        checkScope(ast.resource(), false);
        Expr cond = ast.condition();
        if (cond != null) {
            ArrayDeque<Expr> todo = new ArrayDeque<>();
            todo.push(cond);
            while (!todo.isEmpty()) {
                Expr e = todo.pop();
                here = start();
                enter(e);
                switch (e) {
                    case Expr.Lit l -> checkValueNames(l.value());
                    case Expr.Is is -> checkTypeName(is.entityType());
                    default -> {}
                }
                children(e).forEach(todo::push);
            }
            here = start();
        }
    }

    private void checkValueNames(Value v) {
        if (v instanceof EntityUid uid) {
            checkUid(uid);
        }
    }

    private void checkScope(Scope s, boolean action) {
        switch (s) {
            case Scope.Any a -> {}
            case Scope.Eq eq -> checkScopeUid(eq.uid(), action);
            case Scope.In in -> checkScopeUid(in.uid(), action);
            case Scope.InSet set -> set.uids().forEach(u -> checkScopeUid(u, action));
            case Scope.Is is -> {
                checkTypeName(is.entityType());
                if (is.in() != null) {
                    checkScopeUid(is.in().uid(), action);
                }
            }
        }
    }

    private void checkScopeUid(@Nullable EntityUid uid, boolean action) {
        if (uid == null) {
            return;
        }
        if (action && !isActionType(uid.type())) {
            error("unexpected-type", "the action scope names " + uid + ", which is not an action");
            return;
        }
        checkUid(uid);
    }

    private void checkUid(EntityUid uid) {
        if (isActionType(uid.type())) {
            if (!schema.actions().containsKey(new ActionRef(uid.type(), uid.id()))) {
                error("unrecognized-action-id", "unrecognized action " + uid + ": the schema declares no such action");
            }
            return;
        }
        EntityTypeDecl d = schema.entityTypes().get(uid.type());
        if (d == null) {
            error(
                    "unrecognized-entity-type",
                    "unrecognized entity type " + uid.type() + " in " + uid + ": the schema does not declare it");
            return;
        }
        List<String> ids = d.enumIds();
        if (ids != null && !ids.contains(uid.id())) {
            error(
                    "invalid-enum-entity",
                    "entity " + uid + " is not one of the enumerated ids " + ids + " of " + uid.type());
        }
    }

    private void checkTypeName(String type) {
        if (!schema.entityTypes().containsKey(type) && !isActionType(type)) {
            error("unrecognized-entity-type", "unrecognized entity type " + type + ": the schema does not declare it");
        }
    }

    private boolean isActionType(String type) {
        return type.equals("Action") || type.endsWith("::Action");
    }

    private static List<Expr> children(Expr e) {
        return switch (e) {
            case Expr.Lit l -> List.of();
            case Expr.Var v -> List.of();
            case Expr.Slot s -> List.of();
            case Expr.Not n -> List.of(n.operand());
            case Expr.Neg n -> List.of(n.operand());
            case Expr.And a -> List.of(a.left(), a.right());
            case Expr.Or o -> List.of(o.left(), o.right());
            case Expr.If i -> List.of(i.condition(), i.then(), i.otherwise());
            case Expr.Binary b -> List.of(b.left(), b.right());
            case Expr.IsEmpty i -> List.of(i.operand());
            case Expr.GetAttr g -> List.of(g.target());
            case Expr.HasAttr h -> List.of(h.target());
            case Expr.Like l -> List.of(l.target());
            case Expr.Is i -> List.of(i.target());
            case Expr.ExtCall c -> c.arguments();
            case Expr.SetLit s -> s.elements();
            case Expr.RecordLit r -> List.copyOf(r.attributes().values());
        };
    }

    // ---- request environments ----

    private List<Env> environments() {
        List<Env> out = new ArrayList<>();
        for (ActionDecl a : schema.actions().values()) {
            if (!actionMatches(ast.action(), a.uid())) {
                continue;
            }
            for (String p : a.principalTypes()) {
                if (!scopeMatches(ast.principal(), p)) {
                    continue;
                }
                for (String r : a.resourceTypes()) {
                    if (scopeMatches(ast.resource(), r)) {
                        out.add(new Env(p, a, r));
                    }
                }
            }
        }
        return out;
    }

    private boolean actionMatches(Scope s, ActionRef a) {
        return switch (s) {
            case Scope.Any any -> true;
            case Scope.Eq eq ->
                eq.uid() != null
                        && eq.uid().type().equals(a.type())
                        && eq.uid().id().equals(a.id());
            case Scope.In in -> in.uid() != null && actionIn(a, in.uid());
            case Scope.InSet set -> set.uids().stream().anyMatch(u -> actionIn(a, u));
            case Scope.Is is -> is.entityType().equals(a.type()) && (is.in() == null || actionMatches(is.in(), a));
        };
    }

    private boolean actionIn(ActionRef a, EntityUid group) {
        ActionRef g = new ActionRef(group.type(), group.id());
        Set<ActionRef> seen = new HashSet<>();
        ArrayDeque<ActionRef> todo = new ArrayDeque<>();
        todo.push(a);
        while (!todo.isEmpty()) {
            ActionRef c = todo.pop();
            if (c.equals(g)) {
                return true;
            }
            if (seen.add(c)) {
                ActionDecl d = schema.actions().get(c);
                if (d != null) {
                    d.memberOf().forEach(todo::push);
                }
            }
        }
        return false;
    }

    private boolean scopeMatches(Scope s, String type) {
        return switch (s) {
            case Scope.Any any -> true;
            case Scope.Eq eq -> eq.uid() == null || eq.uid().type().equals(type);
            case Scope.In in -> in.uid() == null || canBeIn(type, in.uid().type());
            case Scope.InSet set -> set.uids().stream().anyMatch(u -> canBeIn(type, u.type()));
            case Scope.Is is -> is.entityType().equals(type) && (is.in() == null || scopeMatches(is.in(), type));
        };
    }

    /** Tells whether an entity of type {@code child} may be in an entity of type {@code ancestor}. */
    private boolean canBeIn(String child, String ancestor) {
        if (child.equals(ancestor)) {
            return true;
        }
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        todo.push(child);
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (!seen.add(c)) {
                continue;
            }
            EntityTypeDecl d = schema.entityTypes().get(c);
            if (d != null) {
                for (String m : d.memberOfTypes()) {
                    if (m.equals(ancestor)) {
                        return true;
                    }
                    todo.push(m);
                }
            }
        }
        return false;
    }

    // ---- expressions ----

    private Typed tc(Expr e, Set<Cap> prior) {
        long saved = enter(e);
        try {
            return typeOf(e, prior);
        } finally {
            here = saved;
        }
    }

    private Typed typeOf(Expr e, Set<Cap> prior) {
        return switch (e) {
            case Expr.Lit l -> Typed.of(literal(l.value()));
            case Expr.Var v -> Typed.of(variable(v));
            case Expr.Slot s -> Typed.of(Ty.NEVER);
            case Expr.Not n -> {
                Typed t = tc(n.operand(), prior);
                expectBool(t, "the operand of !");
                yield Typed.of(
                        t.type() instanceof Ty.TBool b && b.known() != null
                                ? (b.known() ? Ty.FALSE : Ty.TRUE)
                                : t.type() instanceof Ty.Never ? Ty.NEVER : Ty.BOOL);
            }
            case Expr.Neg n -> {
                expect(tc(n.operand(), prior), Ty.LONG, "the operand of unary -");
                yield Typed.of(Ty.LONG);
            }
            case Expr.And a -> and(a, prior);
            case Expr.Or o -> or(o, prior);
            case Expr.If i -> ifThenElse(i, prior);
            case Expr.Binary b -> binary(b, prior);
            case Expr.IsEmpty i -> {
                Typed t = tc(i.operand(), prior);
                if (!(t.type() instanceof Ty.TSet || t.type() instanceof Ty.Never)) {
                    unexpected(t, "a set", "the receiver of isEmpty");
                }
                yield Typed.of(Ty.BOOL);
            }
            case Expr.GetAttr g -> Typed.of(getAttr(g, prior));
            case Expr.HasAttr h -> hasAttr(h, prior);
            case Expr.Like l -> {
                expect(tc(l.target(), prior), Ty.STRING, "the operand of like");
                yield Typed.of(Ty.BOOL);
            }
            case Expr.Is i -> {
                Typed t = tc(i.target(), prior);
                if (t.type() instanceof Ty.TEntity ent) {
                    yield Typed.of(
                            !ent.names().contains(i.entityType())
                                    ? Ty.FALSE
                                    : ent.names().size() == 1 ? Ty.TRUE : Ty.BOOL);
                }
                if (!(t.type() instanceof Ty.Never)) {
                    unexpected(t, "an entity", "the operand of is");
                }
                yield Typed.of(Ty.BOOL);
            }
            case Expr.ExtCall c -> Typed.of(call(c, prior));
            case Expr.SetLit s -> Typed.of(setLit(s, prior));
            case Expr.RecordLit r -> {
                Map<String, Ty.Attr> attrs = new java.util.LinkedHashMap<>();
                r.attributes()
                        .forEach((k, v) -> attrs.put(k, new Ty.Attr(tc(v, prior).type(), true)));
                yield Typed.of(new Ty.TRecord(attrs, false));
            }
        };
    }

    private Ty literal(Value v) {
        if (v instanceof BoolValue b) {
            return b.value() ? Ty.TRUE : Ty.FALSE;
        }
        if (v instanceof LongValue) {
            return Ty.LONG;
        }
        if (v instanceof StringValue) {
            return Ty.STRING;
        }
        if (v instanceof EntityUid uid) {
            if (isActionType(uid.type())) {
                return schema.actions().containsKey(new ActionRef(uid.type(), uid.id()))
                        ? Ty.entity(uid.type())
                        : Ty.NEVER;
            }
            return schema.entityTypes().containsKey(uid.type()) ? Ty.entity(uid.type()) : Ty.NEVER;
        }
        if (v instanceof ExtensionValue x) {
            return new Ty.TExt(x.typeName());
        }
        return Ty.NEVER;
    }

    private Ty variable(Expr.Var v) {
        Env e = env();
        return switch (v.kind()) {
            case PRINCIPAL -> Ty.entity(e.principal());
            case ACTION -> Ty.entity(e.action().uid().type());
            case RESOURCE -> Ty.entity(e.resource());
            case CONTEXT -> Ty.record(e.action().context());
        };
    }

    private Typed and(Expr.And a, Set<Cap> prior) {
        Typed l = tc(a.left(), prior);
        expectBool(l, "the left operand of &&");
        if (isKnown(l.type(), false)) {
            return Typed.of(Ty.FALSE);
        }
        Set<Cap> withLeft = union(prior, l.caps());
        Typed r = tc(a.right(), withLeft);
        expectBool(r, "the right operand of &&");
        if (isKnown(r.type(), false)) {
            return Typed.of(Ty.FALSE);
        }
        Ty t = isKnown(l.type(), true) && isKnown(r.type(), true) ? Ty.TRUE : Ty.BOOL;
        return new Typed(t, union(l.caps(), r.caps()));
    }

    private Typed or(Expr.Or o, Set<Cap> prior) {
        Typed l = tc(o.left(), prior);
        expectBool(l, "the left operand of ||");
        if (isKnown(l.type(), true)) {
            return Typed.of(Ty.TRUE);
        }
        Typed r = tc(o.right(), prior);
        expectBool(r, "the right operand of ||");
        if (isKnown(l.type(), false)) {
            return r;
        }
        if (isKnown(r.type(), true)) {
            return Typed.of(Ty.TRUE);
        }
        if (isKnown(r.type(), false)) {
            return l;
        }
        return new Typed(Ty.BOOL, intersect(l.caps(), r.caps()));
    }

    private Typed ifThenElse(Expr.If i, Set<Cap> prior) {
        Typed c = tc(i.condition(), prior);
        expectBool(c, "the condition of if");
        if (isKnown(c.type(), true)) {
            Typed t = tc(i.then(), union(prior, c.caps()));
            return new Typed(t.type(), union(c.caps(), t.caps()));
        }
        if (isKnown(c.type(), false)) {
            return tc(i.otherwise(), prior);
        }
        Typed t = tc(i.then(), union(prior, c.caps()));
        Typed f = tc(i.otherwise(), prior);
        Ty lub = Ty.lub(t.type(), f.type(), strict);
        if (lub == null) {
            error(
                    "incompatible-types",
                    "the branches of if have incompatible types " + Ty.show(t.type()) + " and " + Ty.show(f.type()));
            lub = Ty.NEVER;
        }
        return new Typed(lub, intersect(union(c.caps(), t.caps()), f.caps()));
    }

    private Typed binary(Expr.Binary b, Set<Cap> prior) {
        Typed l = tc(b.left(), prior);
        Typed r = tc(b.right(), prior);
        return switch (b.op()) {
            case EQ, NEQ -> {
                Ty t = equality(b.left(), l.type(), b.right(), r.type());
                if (b.op() == BinaryOp.NEQ && t instanceof Ty.TBool tb && tb.known() != null) {
                    t = tb.known() ? Ty.FALSE : Ty.TRUE;
                }
                yield Typed.of(t);
            }
            case LT, LE, GT, GE -> {
                comparable(l, r);
                yield Typed.of(Ty.BOOL);
            }
            case ADD, SUB, MUL -> {
                expect(l, Ty.LONG, "the left operand of " + b.op());
                expect(r, Ty.LONG, "the right operand of " + b.op());
                yield Typed.of(Ty.LONG);
            }
            case IN -> Typed.of(in(b, l, r));
            case CONTAINS -> {
                if (l.type() instanceof Ty.TSet s) {
                    elementsCompatible(s.element(), r.type(), "contains");
                } else if (!(l.type() instanceof Ty.Never)) {
                    unexpected(l, "a set", "the receiver of contains");
                }
                yield Typed.of(Ty.BOOL);
            }
            case CONTAINS_ALL, CONTAINS_ANY -> {
                String m = b.op() == BinaryOp.CONTAINS_ALL ? "containsAll" : "containsAny";
                if (!(l.type() instanceof Ty.TSet || l.type() instanceof Ty.Never)) {
                    unexpected(l, "a set", "the receiver of " + m);
                } else if (!(r.type() instanceof Ty.TSet || r.type() instanceof Ty.Never)) {
                    unexpected(r, "a set", "the argument of " + m);
                } else if (l.type() instanceof Ty.TSet ls && r.type() instanceof Ty.TSet rs) {
                    elementsCompatible(ls.element(), rs.element(), m);
                }
                yield Typed.of(Ty.BOOL);
            }
            case HAS_TAG -> hasTag(b, l, r, prior);
            case GET_TAG -> Typed.of(getTag(b, l, r, prior));
        };
    }

    private Ty equality(Expr le, Ty l, Expr re, Ty r) {
        if (l instanceof Ty.Never || r instanceof Ty.Never) {
            return Ty.BOOL;
        }
        Value a = constant(le);
        Value c = constant(re);
        if (a != null && c != null) {
            // Both sides are constants, so the result is known and no type rule applies.
            return a.equals(c) ? Ty.TRUE : Ty.FALSE;
        }
        if (Ty.lub(l, r, strict) != null) {
            return Ty.BOOL;
        }
        if (l instanceof Ty.TEntity && r instanceof Ty.TEntity) {
            return Ty.FALSE; // entities of disjoint types are never equal
        }
        error(
                "incompatible-types",
                "== compares incompatible types " + Ty.show(l) + " and " + Ty.show(r) + " in " + ExprText.of(le)
                        + " == " + ExprText.of(re));
        return Ty.FALSE;
    }

    /** A literal's value; the action variable counts as its uid, since each environment fixes the action. */
    private @Nullable Value constant(Expr e) {
        if (e instanceof Expr.Lit l) {
            return l.value();
        }
        return knownUid(e);
    }

    private @Nullable EntityUid knownUid(Expr e) {
        if (e instanceof Expr.Lit l && l.value() instanceof EntityUid uid) {
            return uid;
        }
        if (e instanceof Expr.Var v && v.kind() == dev.mandate.cedar.internal.ast.VarKind.ACTION) {
            ActionRef a = env().action().uid();
            return new EntityUid(a.type(), a.id());
        }
        return null;
    }

    private void comparable(Typed l, Typed r) {
        Ty a = l.type();
        Ty b = r.type();
        if (a instanceof Ty.Never || b instanceof Ty.Never) {
            return;
        }
        if (a instanceof Ty.TLong && b instanceof Ty.TLong) {
            return;
        }
        if (a instanceof Ty.TExt x
                && b instanceof Ty.TExt y
                && x.name().equals(y.name())
                && (x.name().equals("datetime") || x.name().equals("duration"))) {
            return;
        }
        error(
                "unexpected-type",
                "comparison operands must both be Long (or both the same of decimal, datetime," + " duration), found "
                        + Ty.show(a) + " and " + Ty.show(b));
    }

    private void elementsCompatible(Ty element, Ty other, String method) {
        if (Ty.lub(element, other, strict) == null) {
            error(
                    "incompatible-types",
                    method + " compares incompatible types " + Ty.show(element) + " and " + Ty.show(other));
        }
    }

    private Ty in(Expr.Binary b, Typed l, Typed r) {
        if (l.type() instanceof Ty.Never || r.type() instanceof Ty.Never) {
            return Ty.BOOL;
        }
        if (!(l.type() instanceof Ty.TEntity le)) {
            unexpected(l, "an entity", "the left operand of in");
            return Ty.BOOL;
        }
        Set<String> rightTypes;
        if (r.type() instanceof Ty.TEntity re) {
            rightTypes = re.names();
        } else if (r.type() instanceof Ty.TSet s && s.element() instanceof Ty.TEntity re) {
            rightTypes = re.names();
        } else if (r.type() instanceof Ty.TSet s && s.element() instanceof Ty.Never) {
            return Ty.BOOL;
        } else {
            unexpected(r, "an entity or a set of entities", "the right operand of in");
            return Ty.BOOL;
        }
        EntityUid lu = knownUid(b.left());
        if (lu != null && isActionType(lu.type())) {
            List<EntityUid> rus = new ArrayList<>();
            EntityUid ru = knownUid(b.right());
            if (ru != null) {
                rus.add(ru);
            } else if (b.right() instanceof Expr.SetLit set) {
                for (Expr x : set.elements()) {
                    EntityUid u = knownUid(x);
                    if (u == null) {
                        rus.clear();
                        break;
                    }
                    rus.add(u);
                }
            }
            if (!rus.isEmpty()) {
                ActionRef a = new ActionRef(lu.type(), lu.id());
                return rus.stream().anyMatch(u -> actionIn(a, u)) ? Ty.TRUE : Ty.FALSE;
            }
        }
        for (String x : le.names()) {
            for (String y : rightTypes) {
                if ((isActionType(x) && isActionType(y)) || canBeIn(x, y)) {
                    return Ty.BOOL;
                }
            }
        }
        return Ty.FALSE;
    }

    private Typed hasTag(Expr.Binary b, Typed l, Typed r, Set<Cap> prior) {
        expect(r, Ty.STRING, "the argument of hasTag");
        if (l.type() instanceof Ty.Never) {
            return Typed.of(Ty.BOOL);
        }
        if (!(l.type() instanceof Ty.TEntity e)) {
            unexpected(l, "an entity", "the receiver of hasTag");
            return Typed.of(Ty.BOOL);
        }
        if (tagType(e) == null) {
            return Typed.of(Ty.FALSE);
        }
        Cap cap = new Cap(b.left(), b.right(), true);
        if (prior.contains(cap)) {
            return Typed.of(Ty.TRUE);
        }
        return new Typed(Ty.BOOL, Set.of(cap));
    }

    private Ty getTag(Expr.Binary b, Typed l, Typed r, Set<Cap> prior) {
        expect(r, Ty.STRING, "the argument of getTag");
        if (l.type() instanceof Ty.Never) {
            return Ty.NEVER;
        }
        if (!(l.type() instanceof Ty.TEntity e)) {
            unexpected(l, "an entity", "the receiver of getTag");
            return Ty.NEVER;
        }
        Ty t = tagType(e);
        if (t == null) {
            error("no-tags-allowed", "entities of type " + Ty.show(e) + " have no tags, so getTag always errors");
            return Ty.NEVER;
        }
        if (!prior.contains(new Cap(b.left(), b.right(), true))) {
            error(
                    "unsafe-tag-access",
                    ExprText.of(b) + " on " + Ty.show(e) + " needs a hasTag check with the same key first");
        }
        return t;
    }

    private @Nullable Ty tagType(Ty.TEntity e) {
        Ty out = null;
        for (String n : e.names()) {
            EntityTypeDecl d = schema.entityTypes().get(n);
            SchemaType tags = d == null ? null : d.tags();
            if (tags == null) {
                return null;
            }
            Ty t = Ty.of(tags);
            out = out == null ? t : Ty.lub(out, t, strict);
            if (out == null) {
                return null;
            }
        }
        return out;
    }

    private Ty.@Nullable TRecord shape(Ty t) {
        if (t instanceof Ty.TRecord r) {
            return r;
        }
        if (t instanceof Ty.TEntity e) {
            Ty out = null;
            for (String n : e.names()) {
                EntityTypeDecl d = schema.entityTypes().get(n);
                Ty s = d == null ? new Ty.TRecord(Map.of(), false) : Ty.record(d.shape());
                out = out == null ? s : Ty.lub(out, s, false);
            }
            return out instanceof Ty.TRecord r ? r : null;
        }
        return null;
    }

    private Ty getAttr(Expr.GetAttr g, Set<Cap> prior) {
        Typed t = tc(g.target(), prior);
        if (t.type() instanceof Ty.Never) {
            return Ty.NEVER;
        }
        Ty.TRecord rec = shape(t.type());
        if (rec == null) {
            unexpected(t, "an entity or a record", "the target of ." + g.attribute());
            return Ty.NEVER;
        }
        Ty.Attr a = rec.attributes().get(g.attribute());
        if (a == null) {
            error(
                    "unsafe-attribute-access",
                    "attribute " + g.attribute() + " is not declared for " + Ty.show(t.type()) + " in "
                            + ExprText.of(g));
            return Ty.NEVER;
        }
        if (!a.required() && !prior.contains(new Cap(g.target(), g.attribute(), false))) {
            error(
                    "unsafe-optional-attribute-access",
                    "attribute " + g.attribute() + " of " + Ty.show(t.type())
                            + " is optional; guard " + ExprText.of(g) + " with `"
                            + ExprText.of(g.target()).replace("`", "")
                            + " has " + g.attribute() + "`");
        }
        return a.type();
    }

    private Typed hasAttr(Expr.HasAttr h, Set<Cap> prior) {
        Typed t = tc(h.target(), prior);
        if (t.type() instanceof Ty.Never) {
            return Typed.of(Ty.BOOL);
        }
        Ty.TRecord rec = shape(t.type());
        if (rec == null) {
            unexpected(t, "an entity or a record", "the target of has");
            return Typed.of(Ty.BOOL);
        }
        Ty.Attr a = rec.attributes().get(h.attribute());
        if (a == null) {
            return Typed.of(rec.open() ? Ty.BOOL : Ty.FALSE);
        }
        Cap cap = new Cap(h.target(), h.attribute(), false);
        if (prior.contains(cap)) {
            return Typed.of(Ty.TRUE);
        }
        if (a.required() && t.type() instanceof Ty.TRecord) {
            return Typed.of(Ty.TRUE);
        }
        return new Typed(Ty.BOOL, Set.of(cap));
    }

    private Ty call(Expr.ExtCall c, Set<Cap> prior) {
        Sig sig = FUNCTIONS.get(c.function());
        List<Typed> args = new ArrayList<>();
        for (Expr a : c.arguments()) {
            args.add(tc(a, prior));
        }
        if (sig == null) {
            error("undefined-function", "undefined extension function " + c.function());
            return Ty.NEVER;
        }
        if (sig.params().size() != args.size()) {
            error(
                    "wrong-number-arguments",
                    c.function() + " takes " + sig.params().size() + " arguments, found " + args.size());
            return sig.result();
        }
        for (int i = 0; i < args.size(); i++) {
            expect(args.get(i), sig.params().get(i), "argument " + (i + 1) + " of " + c.function());
        }
        if (sig.params().equals(List.of(Ty.STRING))) {
            if (!(c.arguments().get(0) instanceof Expr.Lit l && l.value() instanceof StringValue s)) {
                error(
                        "non-lit-ext-constructor",
                        c.function() + " must be called on a string literal so the" + " validator can check it");
                return sig.result();
            }
            try {
                ExtensionValue.parse(c.function(), s.value());
            } catch (RuntimeException e) {
                error("function-argument-validation", "invalid argument to " + c.function() + ": " + e.getMessage());
            }
        }
        return sig.result();
    }

    private Ty setLit(Expr.SetLit s, Set<Cap> prior) {
        if (s.elements().isEmpty()) {
            if (strict) {
                error(
                        "empty-set-forbidden",
                        "the empty set literal [] has no element type; strict validation" + " refuses it");
            }
            return new Ty.TSet(Ty.NEVER);
        }
        Ty elem = Ty.NEVER;
        for (Expr x : s.elements()) {
            Ty t = tc(x, prior).type();
            Ty lub = Ty.lub(elem, t, strict);
            if (lub == null) {
                error(
                        "incompatible-types",
                        "set elements have incompatible types " + Ty.show(elem) + " and " + Ty.show(t));
                return new Ty.TSet(Ty.NEVER);
            }
            elem = lub;
        }
        return new Ty.TSet(elem);
    }

    // ---- helpers ----

    private static boolean isKnown(Ty t, boolean value) {
        return t instanceof Ty.TBool b && b.known() != null && b.known() == value;
    }

    private void expectBool(Typed t, String what) {
        if (!(t.type() instanceof Ty.TBool || t.type() instanceof Ty.Never)) {
            unexpected(t, "Bool", what);
        }
    }

    private void expect(Typed t, Ty want, String what) {
        if (t.type() instanceof Ty.Never || t.type().equals(want)) {
            return;
        }
        unexpected(t, Ty.show(want), what);
    }

    private void unexpected(Typed t, String want, String what) {
        error("unexpected-type", what + " must be " + want + ", found " + Ty.show(t.type()));
    }

    private static Set<Cap> union(Set<Cap> a, Set<Cap> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        Set<Cap> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }

    private static Set<Cap> intersect(Set<Cap> a, Set<Cap> b) {
        Set<Cap> s = new HashSet<>(a);
        s.retainAll(b);
        return s;
    }
}

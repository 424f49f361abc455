package dev.mandate.cedar.internal.parse;

import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.CedarParseException;
import dev.mandate.cedar.Effect;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.Limits;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.internal.ast.BinaryOp;
import dev.mandate.cedar.internal.ast.Expr;
import dev.mandate.cedar.internal.ast.Pattern;
import dev.mandate.cedar.internal.ast.PolicyAst;
import dev.mandate.cedar.internal.ast.Scope;
import dev.mandate.cedar.internal.ast.VarKind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Recursive-descent parser for the Cedar policy grammar. One method per grammar rule; depth is counted so
 * hostile nesting fails with a named limit instead of a stack overflow.
 */
public final class Parser {
    private static final Set<String> RESERVED =
            Set.of("true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar");
    private static final Set<String> EXT_FUNCTIONS = Set.of("ip", "decimal", "datetime", "duration");
    private static final Set<String> EXT_METHODS = Set.of(
            "isIpv4",
            "isIpv6",
            "isLoopback",
            "isMulticast",
            "isInRange",
            "lessThan",
            "lessThanOrEqual",
            "greaterThan",
            "greaterThanOrEqual",
            "offset",
            "durationSince",
            "toDate",
            "toTime",
            "toDays",
            "toHours",
            "toMinutes",
            "toSeconds",
            "toMilliseconds");
    private static final BigInteger LONG_MIN_ABS =
            BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);

    private final List<Token> tokens;
    private final Limits limits;
    private int pos;
    private int depth;
    private @Nullable IdentityHashMap<Expr, Long> positions;

    private Parser(String text, Limits limits) {
        if (text.length() > limits.maxPolicyTextChars()) {
            throw new CedarParseException(
                    "policy text has " + text.length() + " characters, more than Limits.maxPolicyTextChars = "
                            + limits.maxPolicyTextChars(),
                    1,
                    1);
        }
        this.tokens = Lexer.tokenize(text);
        this.limits = limits;
    }

    /** Notes where an expression starts, when positions are wanted; the first note of a node wins. */
    private Expr at(Expr e, Token start) {
        IdentityHashMap<Expr, Long> p = positions;
        if (p != null) {
            p.putIfAbsent(e, ((long) start.line() << 32) | (start.column() & 0xffffffffL));
        }
        return e;
    }

    /**
     * Parses a sequence of policies and templates.
     *
     * @param text the policy text
     * @param limits size and depth limits
     * @return the policies in written order
     * @throws CedarParseException on the first syntax error
     */
    public static List<PolicyAst> parsePolicies(String text, Limits limits) {
        return parsePolicies(new Parser(text, limits));
    }

    /**
     * Parses a sequence of policies and templates, noting where each expression starts (for the validator's error
     * positions; the evaluator does not need them, so compiled policies do not keep them).
     *
     * @param text the policy text
     * @param limits size and depth limits
     * @param positions receives each expression node (by identity) with its start as {@code line << 32 | column}
     * @return the policies in written order
     * @throws CedarParseException on the first syntax error
     */
    public static List<PolicyAst> parsePolicies(String text, Limits limits, IdentityHashMap<Expr, Long> positions) {
        Parser p = new Parser(text, limits);
        p.positions = positions;
        return parsePolicies(p);
    }

    private static List<PolicyAst> parsePolicies(Parser p) {
        List<PolicyAst> out = new ArrayList<>();
        while (p.peek().kind() != Token.Kind.EOF) {
            out.add(p.policy());
        }
        return out;
    }

    /**
     * Parses one entity literal such as {@code NS::User::"alice"}.
     *
     * @param text the literal
     * @return the uid
     * @throws CedarParseException if the text is anything else
     */
    public static EntityUid parseEntityUid(String text) {
        Parser p = new Parser(text, Limits.DEFAULTS);
        EntityUid uid = p.entityLiteral();
        p.expectEof();
        return uid;
    }

    /**
     * Parses an entity type name such as {@code NS::User}.
     *
     * @param text the name
     * @return the name, normalised
     * @throws CedarParseException if the text is not a name
     */
    public static String parseName(String text) {
        Parser p = new Parser(text, Limits.DEFAULTS);
        String name = p.path();
        p.expectEof();
        return name;
    }

    /**
     * Parses one expression.
     *
     * @param text the expression
     * @param limits depth limit
     * @return the expression
     * @throws CedarParseException on a syntax error
     */
    public static Expr parseExpression(String text, Limits limits) {
        Parser p = new Parser(text, limits);
        Expr e = p.expr();
        p.expectEof();
        return e;
    }

    // ---- policies ----

    private PolicyAst policy() {
        Token first = peek();
        Map<String, String> annotations = new LinkedHashMap<>();
        while (peek().is("@")) {
            Token at = advance();
            Token key = expectIdent("an annotation name");
            String value = "";
            if (peek().is("(")) {
                advance();
                Token s = expectKind(Token.Kind.STRING, "an annotation value in quotes");
                value = unescape(s);
                expect(")");
            }
            if (annotations.putIfAbsent(key.text(), value) != null) {
                throw error(at, "annotation @" + key.text() + " appears twice on this policy");
            }
        }
        Token eff = advance();
        Effect effect;
        if (eff.isIdent("permit")) {
            effect = Effect.PERMIT;
        } else if (eff.isIdent("forbid")) {
            effect = Effect.FORBID;
        } else {
            throw error(eff, "expected `permit` or `forbid`, found " + eff.describe());
        }
        expect("(");
        Scope principal = principalOrResource("principal");
        expect(",");
        Scope action = actionScope();
        expect(",");
        Scope resource = principalOrResource("resource");
        if (accept(",") && !peek().is(")")) {
            throw error(peek(), "a policy scope has exactly three parts: principal, action, resource");
        }
        expect(")");
        Expr condition = null;
        while (peek().isIdent("when") || peek().isIdent("unless")) {
            boolean when = advance().text().equals("when");
            Token open = expect("{");
            if (peek().is("}")) {
                throw error(open, "a `" + (when ? "when" : "unless") + "` condition must not be empty");
            }
            Expr body = expr();
            expect("}");
            Expr part = when ? body : new Expr.Not(body);
            condition = condition == null ? part : new Expr.And(condition, part);
        }
        Token end = peek();
        if (!end.is(";")) {
            throw error(end, "expected `when`, `unless` or `;` after the policy scope, found " + end.describe());
        }
        advance();
        return new PolicyAst(effect, annotations, principal, action, resource, condition, first.line(), first.column());
    }

    private Scope principalOrResource(String var) {
        Token v = advance();
        if (!v.isIdent(var)) {
            throw error(v, "expected `" + var + "`, found " + v.describe());
        }
        Token t = peek();
        if (t.is("==")) {
            advance();
            return slotOrEntity(var, false);
        }
        if (t.isIdent("in")) {
            advance();
            return slotOrEntity(var, true);
        }
        if (t.isIdent("is")) {
            advance();
            String type = path();
            if (peek().isIdent("in")) {
                advance();
                return new Scope.Is(type, (Scope.In) slotOrEntity(var, true));
            }
            return new Scope.Is(type, null);
        }
        return new Scope.Any();
    }

    private Scope slotOrEntity(String var, boolean in) {
        Token t = peek();
        if (t.is("?")) {
            advance();
            Token name = expectIdent("a slot name");
            if (!name.text().equals(var)) {
                throw error(name, "the " + var + " constraint can only use the slot ?" + var + ", not ?" + name.text());
            }
            return in ? new Scope.In(null, "?" + var) : new Scope.Eq(null, "?" + var);
        }
        if (t.is("[")) {
            throw error(t, "a list of entities is only allowed in the action constraint");
        }
        EntityUid uid = entityLiteral();
        return in ? new Scope.In(uid, null) : new Scope.Eq(uid, null);
    }

    private Scope actionScope() {
        Token v = advance();
        if (!v.isIdent("action")) {
            throw error(v, "expected `action`, found " + v.describe());
        }
        Token t = peek();
        if (t.is("==")) {
            advance();
            return new Scope.Eq(actionUid(), null);
        }
        if (t.isIdent("in")) {
            advance();
            if (peek().is("[")) {
                advance();
                List<EntityUid> uids = new ArrayList<>();
                while (!peek().is("]")) {
                    uids.add(actionUid());
                    if (!accept(",")) {
                        break;
                    }
                }
                expect("]");
                return new Scope.InSet(uids);
            }
            return new Scope.In(actionUid(), null);
        }
        if (t.isIdent("is")) {
            throw error(t, "`is` is not allowed in the action constraint");
        }
        return new Scope.Any();
    }

    private EntityUid actionUid() {
        Token t = peek();
        if (t.is("?")) {
            throw error(t, "the action constraint cannot use a slot");
        }
        EntityUid uid = entityLiteral();
        if (!uid.type().equals("Action") && !uid.type().endsWith("::Action")) {
            throw error(t, "the action constraint needs an entity of type Action, found " + uid);
        }
        return uid;
    }

    private EntityUid entityLiteral() {
        Token start = peek();
        StringBuilder type = new StringBuilder(pathComponent());
        while (true) {
            expect("::");
            Token t = peek();
            if (t.kind() == Token.Kind.STRING) {
                advance();
                return new EntityUid(type.toString(), unescape(t));
            }
            if (t.kind() != Token.Kind.IDENT) {
                throw error(start, "expected an entity such as User::\"alice\", found " + t.describe());
            }
            type.append("::").append(pathComponent());
        }
    }

    private String path() {
        StringBuilder b = new StringBuilder(pathComponent());
        while (peek().is("::") && peek(1).kind() == Token.Kind.IDENT) {
            advance();
            b.append("::").append(pathComponent());
        }
        return b.toString();
    }

    private static void notReserved(Token name) {
        if (RESERVED.contains(name.text())) {
            throw error(name, "`" + name.text() + "` is a reserved word; write [\"" + name.text() + "\"] to use it");
        }
    }

    private String pathComponent() {
        Token t = expectIdent("a name");
        if (RESERVED.contains(t.text())) {
            throw error(t, "`" + t.text() + "` is a reserved word and cannot be used as a name");
        }
        return t.text();
    }

    // ---- expressions ----

    private Expr expr() {
        enter();
        try {
            Token start = peek();
            if (start.isIdent("if")) {
                advance();
                Expr c = expr();
                expectWord("then");
                Expr a = expr();
                expectWord("else");
                Expr b = expr();
                return at(new Expr.If(c, a, b), start);
            }
            return or();
        } finally {
            depth--;
        }
    }

    private Expr or() {
        Token start = peek();
        Expr e = and();
        while (accept("||")) {
            e = at(new Expr.Or(e, and()), start);
        }
        return e;
    }

    private Expr and() {
        Token start = peek();
        Expr e = relation();
        while (accept("&&")) {
            e = at(new Expr.And(e, relation()), start);
        }
        return e;
    }

    private Expr relation() {
        Token start = peek();
        Expr left = add();
        Token t = peek();
        BinaryOp op = null;
        if (t.kind() == Token.Kind.PUNCT) {
            op = switch (t.text()) {
                case "==" -> BinaryOp.EQ;
                case "!=" -> BinaryOp.NEQ;
                case "<" -> BinaryOp.LT;
                case "<=" -> BinaryOp.LE;
                case ">" -> BinaryOp.GT;
                case ">=" -> BinaryOp.GE;
                case "=" -> throw error(t, "`=` is not an operator; use `==` to compare");
                default -> null;
            };
        } else if (t.isIdent("in")) {
            op = BinaryOp.IN;
        }
        Expr result;
        if (op != null) {
            advance();
            result = new Expr.Binary(op, left, add());
        } else if (t.isIdent("has")) {
            advance();
            Token a = advance();
            if (a.kind() == Token.Kind.STRING) {
                result = new Expr.HasAttr(left, unescape(a));
            } else if (a.kind() == Token.Kind.IDENT) {
                notReserved(a);
                result = hasPath(left, a);
            } else {
                throw error(a, "expected an attribute name after `has`, found " + a.describe());
            }
        } else if (t.isIdent("like")) {
            advance();
            Token p = expectKind(Token.Kind.STRING, "a pattern in quotes after `like`");
            result = new Expr.Like(left, pattern(p));
        } else if (t.isIdent("is")) {
            advance();
            String type = path();
            Expr is = at(new Expr.Is(left, type), start);
            if (peek().isIdent("in")) {
                advance();
                result = new Expr.And(is, at(new Expr.Binary(BinaryOp.IN, left, add()), start));
            } else {
                result = is;
            }
        } else {
            return left;
        }
        Token after = peek();
        if (isRelationStart(after)) {
            throw error(after, "comparisons do not chain; add parentheses around " + after.describe() + "'s left side");
        }
        return at(result, start);
    }

    private static boolean isRelationStart(Token t) {
        if (t.kind() == Token.Kind.PUNCT) {
            return switch (t.text()) {
                case "==", "!=", "<", "<=", ">", ">=" -> true;
                default -> false;
            };
        }
        return t.isIdent("in") || t.isIdent("has") || t.isIdent("like") || t.isIdent("is");
    }

    // `e has a.b.c` means `e has a && e.a has b && e.a.b has c`.
    private Expr hasPath(Expr target, Token first) {
        List<String> names = new ArrayList<>();
        names.add(first.text());
        while (peek().is(".") && peek(1).kind() == Token.Kind.IDENT) {
            advance();
            Token n = advance();
            notReserved(n);
            names.add(n.text());
        }
        Expr result = new Expr.HasAttr(target, names.get(0));
        Expr cur = new Expr.GetAttr(target, names.get(0));
        for (String n : names.subList(1, names.size())) {
            result = new Expr.And(result, new Expr.HasAttr(cur, n));
            cur = new Expr.GetAttr(cur, n);
        }
        return result;
    }

    private Expr add() {
        Token start = peek();
        Expr e = mult();
        while (true) {
            if (accept("+")) {
                e = at(new Expr.Binary(BinaryOp.ADD, e, mult()), start);
            } else if (accept("-")) {
                e = at(new Expr.Binary(BinaryOp.SUB, e, mult()), start);
            } else {
                return e;
            }
        }
    }

    private Expr mult() {
        Token start = peek();
        Expr e = unary();
        while (true) {
            Token t = peek();
            if (t.is("*")) {
                advance();
                e = at(new Expr.Binary(BinaryOp.MUL, e, unary()), start);
            } else if (t.is("/") || t.is("%")) {
                throw error(t, "Cedar has no `" + t.text() + "` operator; only `+`, `-` and `*`");
            } else {
                return e;
            }
        }
    }

    private Expr unary() {
        enter();
        try {
            Token t = peek();
            if (t.is("!")) {
                int n = 0;
                while (accept("!")) {
                    n++;
                }
                checkUnaryCount(t, n);
                Expr e = member();
                for (int i = 0; i < n; i++) {
                    e = at(new Expr.Not(e), t);
                }
                return e;
            }
            if (t.is("-")) {
                int n = 0;
                while (accept("-")) {
                    n++;
                }
                checkUnaryCount(t, n);
                Expr e;
                Token lit = peek();
                if (lit.kind() == Token.Kind.INT && !isAccess(peek(1))) {
                    // Fold one minus into the literal so that -9223372036854775808 is representable.
                    advance();
                    BigInteger v = new BigInteger(lit.text());
                    if (v.compareTo(LONG_MIN_ABS) > 0) {
                        throw error(lit, "integer literal -" + lit.text() + " is out of the 64-bit range");
                    }
                    e = at(new Expr.Lit(new LongValue(v.negate().longValue())), t);
                    n--;
                } else {
                    e = member();
                }
                for (int i = 0; i < n; i++) {
                    e = at(new Expr.Neg(e), t);
                }
                return e;
            }
            return member();
        } finally {
            depth--;
        }
    }

    private void checkUnaryCount(Token t, int n) {
        if (n > 4) {
            throw error(t, "at most four `" + t.text() + "` in a row are allowed");
        }
    }

    private static boolean isAccess(Token t) {
        return t.is(".") || t.is("[");
    }

    private Expr member() {
        Token start = peek();
        Expr e = primary();
        while (true) {
            Token t = peek();
            if (t.is(".")) {
                advance();
                Token name = expectIdent("an attribute or method name after `.`");
                notReserved(name);
                if (peek().is("(")) {
                    advance();
                    List<Expr> args = args(")");
                    e = at(method(name, e, args), start);
                } else {
                    e = at(new Expr.GetAttr(e, name.text()), start);
                }
            } else if (t.is("[")) {
                advance();
                Token s = expectKind(Token.Kind.STRING, "an attribute name in quotes inside `[ ]`");
                expect("]");
                e = at(new Expr.GetAttr(e, unescape(s)), start);
            } else {
                return e;
            }
        }
    }

    private Expr method(Token name, Expr receiver, List<Expr> args) {
        String n = name.text();
        BinaryOp op = switch (n) {
            case "contains" -> BinaryOp.CONTAINS;
            case "containsAll" -> BinaryOp.CONTAINS_ALL;
            case "containsAny" -> BinaryOp.CONTAINS_ANY;
            case "hasTag" -> BinaryOp.HAS_TAG;
            case "getTag" -> BinaryOp.GET_TAG;
            default -> null;
        };
        if (op != null) {
            if (args.size() != 1) {
                throw error(name, "`" + n + "` takes exactly 1 argument, found " + args.size());
            }
            return new Expr.Binary(op, receiver, args.get(0));
        }
        if (n.equals("isEmpty")) {
            if (!args.isEmpty()) {
                throw error(name, "`isEmpty` takes no arguments, found " + args.size());
            }
            return new Expr.IsEmpty(receiver);
        }
        if (EXT_METHODS.contains(n)) {
            List<Expr> all = new ArrayList<>(args.size() + 1);
            all.add(receiver);
            all.addAll(args);
            return new Expr.ExtCall(n, all);
        }
        if (EXT_FUNCTIONS.contains(n)) {
            throw error(name, "`" + n + "` is a function, not a method; write " + n + "(...)");
        }
        throw error(name, "unknown method `" + n + "`");
    }

    private List<Expr> args(String close) {
        List<Expr> out = new ArrayList<>();
        if (accept(close)) {
            return out;
        }
        while (true) {
            out.add(expr());
            if (!accept(",") || peek().is(close)) {
                break;
            }
        }
        expect(close);
        return out;
    }

    private Expr primary() {
        Token t = advance();
        return at(primaryAt(t), t);
    }

    private Expr primaryAt(Token t) {
        return switch (t.kind()) {
            case INT -> {
                BigInteger v = new BigInteger(t.text());
                if (v.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
                    throw error(t, "integer literal " + t.text() + " is out of the 64-bit range");
                }
                yield new Expr.Lit(new LongValue(v.longValue()));
            }
            case STRING -> new Expr.Lit(new StringValue(unescape(t)));
            case EOF -> throw error(t, "expected an expression, found end of input");
            case PUNCT ->
                switch (t.text()) {
                    case "(" -> {
                        Expr e = expr();
                        expect(")");
                        yield e;
                    }
                    case "[" -> new Expr.SetLit(args("]"));
                    case "{" -> record();
                    case "?" -> {
                        Token name = expectIdent("a slot name");
                        throw error(name, "slot ?" + name.text() + " is only allowed in the policy scope");
                    }
                    default -> throw error(t, "expected an expression, found " + t.describe());
                };
            case IDENT -> identPrimary(t);
        };
    }

    private Expr identPrimary(Token t) {
        String n = t.text();
        if (!peek().is("::")) {
            Expr v = switch (n) {
                case "true" -> new Expr.Lit(BoolValue.TRUE);
                case "false" -> new Expr.Lit(BoolValue.FALSE);
                case "principal" -> new Expr.Var(VarKind.PRINCIPAL);
                case "action" -> new Expr.Var(VarKind.ACTION);
                case "resource" -> new Expr.Var(VarKind.RESOURCE);
                case "context" -> new Expr.Var(VarKind.CONTEXT);
                default -> null;
            };
            if (v != null) {
                return v;
            }
            if (peek().is("(")) {
                advance();
                List<Expr> args = args(")");
                if (EXT_FUNCTIONS.contains(n)) {
                    return new Expr.ExtCall(n, args);
                }
                if (EXT_METHODS.contains(n)
                        || Set.of("contains", "containsAll", "containsAny", "isEmpty", "hasTag", "getTag")
                                .contains(n)) {
                    throw error(t, "`" + n + "` is a method, not a function; write x." + n + "(...)");
                }
                throw error(t, "unknown function `" + n + "`");
            }
            throw error(t, "unknown variable `" + n + "`; expected principal, action, resource or context");
        }
        if (RESERVED.contains(n)) {
            throw error(t, "`" + n + "` is a reserved word and cannot be used as a name");
        }
        StringBuilder type = new StringBuilder(n);
        while (true) {
            advance(); // ::
            Token next = peek();
            if (next.kind() == Token.Kind.STRING) {
                advance();
                return Expr.entity(new EntityUid(type.toString(), unescape(next)));
            }
            if (next.kind() != Token.Kind.IDENT) {
                throw error(next, "expected a name or an entity id in quotes after `::`, found " + next.describe());
            }
            String comp = pathComponent();
            if (peek().is("::")) {
                type.append("::").append(comp);
                continue;
            }
            if (peek().is("(")) {
                throw error(t, "unknown function `" + type + "::" + comp + "`");
            }
            throw error(t, "expected an entity such as " + type + "::\"id\", found the name " + type + "::" + comp);
        }
    }

    private Expr record() {
        Map<String, Expr> attrs = new LinkedHashMap<>();
        if (accept("}")) {
            return new Expr.RecordLit(attrs);
        }
        while (true) {
            Token k = advance();
            String key;
            if (k.kind() == Token.Kind.STRING) {
                key = unescape(k);
            } else if (k.kind() == Token.Kind.IDENT) {
                if (RESERVED.contains(k.text())) {
                    throw error(k, "`" + k.text() + "` is a reserved word; quote it to use it as a record key");
                }
                key = k.text();
            } else {
                throw error(k, "expected a record attribute name, found " + k.describe());
            }
            expect(":");
            Expr v = expr();
            if (attrs.putIfAbsent(key, v) != null) {
                throw error(k, "attribute `" + key + "` appears twice in this record");
            }
            if (!accept(",") || peek().is("}")) {
                break;
            }
        }
        expect("}");
        return new Expr.RecordLit(attrs);
    }

    // ---- strings ----

    private Pattern pattern(Token t) {
        String s = t.text();
        List<Integer> cps = new ArrayList<>();
        List<Boolean> wild = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (c == '*') {
                cps.add((int) '*');
                wild.add(true);
                i++;
            } else if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                cps.add((int) '*');
                wild.add(false);
                i += 2;
            } else if (c == '\\') {
                int[] out = new int[1];
                i = escape(t, s, i, out);
                if (out[0] >= 0) {
                    cps.add(out[0]);
                    wild.add(false);
                }
            } else {
                cps.add(c);
                wild.add(false);
                i += Character.charCount(c);
            }
        }
        int[] cp = new int[cps.size()];
        boolean[] w = new boolean[cps.size()];
        for (int k = 0; k < cp.length; k++) {
            cp[k] = cps.get(k);
            w[k] = wild.get(k);
        }
        return new Pattern(cp, w);
    }

    private String unescape(Token t) {
        String s = t.text();
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        int[] out = new int[1];
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i = escape(t, s, i, out);
                if (out[0] >= 0) {
                    b.appendCodePoint(out[0]);
                }
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    // Decodes the escape at s[i] (a backslash); stores the code point (or -1 for a line continuation) and
    // returns the index after it.
    private int escape(Token t, String s, int i, int[] out) {
        if (i + 1 >= s.length()) {
            throw error(t, "string ends with a lone `\\`");
        }
        char e = s.charAt(i + 1);
        switch (e) {
            case 'n' -> out[0] = '\n';
            case 'r' -> out[0] = '\r';
            case 't' -> out[0] = '\t';
            case '\\' -> out[0] = '\\';
            case '0' -> out[0] = 0;
            case '\'' -> out[0] = '\'';
            case '"' -> out[0] = '"';
            case 'x' -> {
                if (i + 4 > s.length()) {
                    throw error(t, "`\\x` needs two hex digits");
                }
                int v = hex(t, s.substring(i + 2, i + 4));
                if (v > 0x7f) {
                    throw error(t, "`\\x" + s.substring(i + 2, i + 4) + "` is above \\x7F; use \\u{...}");
                }
                out[0] = v;
                return i + 4;
            }
            case 'u' -> {
                if (i + 2 >= s.length() || s.charAt(i + 2) != '{') {
                    throw error(t, "`\\u` must be followed by {hex digits}");
                }
                int close = s.indexOf('}', i + 3);
                if (close < 0) {
                    throw error(t, "`\\u{` is not closed by `}`");
                }
                String digits = s.substring(i + 3, close).replace("_", "");
                if (digits.isEmpty() || digits.length() > 6 || s.charAt(i + 3) == '_') {
                    throw error(t, "`\\u{...}` needs 1 to 6 hex digits");
                }
                int v = hex(t, digits);
                if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
                    throw error(t, "`\\u{" + digits + "}` is not a Unicode scalar value");
                }
                out[0] = v;
                return close + 1;
            }
            case '\n' -> {
                int j = i + 2;
                while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out[0] = -1;
                return j;
            }
            default -> throw error(t, "unknown escape `\\" + e + "` in string");
        }
        return i + 2;
    }

    private int hex(Token t, String digits) {
        int v = 0;
        for (int k = 0; k < digits.length(); k++) {
            int d = Character.digit(digits.charAt(k), 16);
            if (d < 0) {
                throw error(t, "`" + digits + "` is not hexadecimal");
            }
            v = v * 16 + d;
        }
        return v;
    }

    // ---- helpers ----

    private void enter() {
        if (++depth > limits.maxExpressionDepth()) {
            Token t = peek();
            throw error(
                    t, "expression nesting is deeper than Limits.maxExpressionDepth = " + limits.maxExpressionDepth());
        }
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token advance() {
        Token t = tokens.get(pos);
        if (t.kind() != Token.Kind.EOF) {
            pos++;
        }
        return t;
    }

    private boolean accept(String punct) {
        if (peek().is(punct)) {
            advance();
            return true;
        }
        return false;
    }

    private Token expect(String punct) {
        Token t = peek();
        if (!t.is(punct)) {
            throw error(t, "expected `" + punct + "`, found " + t.describe());
        }
        return advance();
    }

    private Token expectIdent(String what) {
        Token t = peek();
        if (t.kind() != Token.Kind.IDENT) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return advance();
    }

    private void expectWord(String word) {
        Token t = peek();
        if (!t.isIdent(word)) {
            throw error(t, "expected `" + word + "`, found " + t.describe());
        }
        advance();
    }

    private Token expectKind(Token.Kind kind, String what) {
        Token t = peek();
        if (t.kind() != kind) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return advance();
    }

    private void expectEof() {
        Token t = peek();
        if (t.kind() != Token.Kind.EOF) {
            throw error(t, "unexpected " + t.describe() + " after the end");
        }
    }

    private static CedarParseException error(Token t, String message) {
        return new CedarParseException(message, t.line(), t.column());
    }
}

package dev.mandate.cedar.schema;

import dev.mandate.cedar.schema.CedarSchemaLexer.Kind;
import dev.mandate.cedar.schema.CedarSchemaLexer.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Recursive-descent parser for the human-readable {@code .cedarschema} syntax, producing {@link Raw}. */
final class CedarSchemaParser {
    /** Words Cedar reserves as identifiers; they cannot name a type, namespace, action or attribute. */
    static final Set<String> RESERVED = Set.of("true", "false", "if", "then", "else", "in", "is", "like", "has");

    private final List<Token> tokens;
    private int next;

    private CedarSchemaParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Raw.Document parse(String text) {
        return new CedarSchemaParser(CedarSchemaLexer.tokenize(text)).schema();
    }

    private Raw.Document schema() {
        List<Raw.Namespace> namespaces = new ArrayList<>();
        NamespaceBuilder empty = new NamespaceBuilder("", Raw.Pos.NONE);
        while (peek().kind() != Kind.EOF) {
            annotations();
            if (peek().isIdent("namespace")) {
                namespaces.add(namespace());
            } else {
                declaration(empty);
            }
        }
        namespaces.add(0, empty.build());
        return new Raw.Document(namespaces);
    }

    private Raw.Namespace namespace() {
        Token keyword = take();
        Raw.Pos pos = pos(keyword);
        String name = path();
        if (name.equals("__cedar") || name.startsWith("__cedar::")) {
            throw pos.error("namespace `" + name + "` uses the reserved `__cedar` namespace");
        }
        expect("{");
        NamespaceBuilder builder = new NamespaceBuilder(name, pos);
        while (!peek().is("}")) {
            annotations();
            declaration(builder);
        }
        take();
        return builder.build();
    }

    private void declaration(NamespaceBuilder ns) {
        Token t = peek();
        if (t.isIdent("entity")) {
            entity(ns);
        } else if (t.isIdent("action")) {
            action(ns);
        } else if (t.isIdent("type")) {
            commonType(ns);
        } else {
            throw unexpected(t, "`entity`, `action`, `type` or `namespace`");
        }
    }

    private void entity(NamespaceBuilder ns) {
        take();
        List<Token> names = new ArrayList<>();
        names.add(declaredIdent("entity type"));
        while (peek().is(",")) {
            take();
            names.add(declaredIdent("entity type"));
        }
        List<Raw.Ref> memberOf = new ArrayList<>();
        Raw.@Nullable Type shape = null;
        Raw.@Nullable Type tags = null;
        @Nullable List<String> enumIds = null;
        if (peek().isIdent("enum")) {
            take();
            expect("[");
            enumIds = new ArrayList<>();
            enumIds.add(string());
            while (peek().is(",")) {
                take();
                enumIds.add(string());
            }
            expect("]");
        } else {
            if (peek().isIdent("in")) {
                take();
                memberOf = entityTypeList(false);
            }
            if (peek().is("=")) {
                take();
                shape = record(1);
            } else if (peek().is("{")) {
                shape = record(1);
            }
            if (peek().isIdent("tags")) {
                take();
                tags = type(1);
            }
        }
        expect(";");
        for (Token name : names) {
            ns.entities.add(new Raw.Entity(name.text(), memberOf, shape, tags, enumIds, pos(name)));
        }
    }

    private void action(NamespaceBuilder ns) {
        take();
        List<Token> names = new ArrayList<>();
        names.add(actionName());
        while (peek().is(",")) {
            take();
            names.add(actionName());
        }
        List<Raw.ActionRef> memberOf = new ArrayList<>();
        if (peek().isIdent("in")) {
            take();
            if (peek().is("[")) {
                take();
                memberOf.add(actionRef());
                while (peek().is(",")) {
                    take();
                    memberOf.add(actionRef());
                }
                expect("]");
            } else {
                memberOf.add(actionRef());
            }
        }
        Raw.@Nullable AppliesTo appliesTo = null;
        if (peek().isIdent("appliesTo")) {
            appliesTo = appliesTo(names.get(0));
        }
        expect(";");
        for (Token name : names) {
            ns.actions.add(new Raw.Action(name.text(), memberOf, appliesTo, pos(name)));
        }
    }

    private Token actionName() {
        Token t = peek();
        if (t.kind() == Kind.STRING) {
            return take();
        }
        return declaredIdent("action");
    }

    private Raw.ActionRef actionRef() {
        Token first = peek();
        if (first.kind() == Kind.STRING) {
            take();
            return new Raw.ActionRef(null, first.text(), pos(first));
        }
        StringBuilder path =
                new StringBuilder(ident("action or action entity type").text());
        while (peek().is("::")) {
            take();
            if (peek().kind() == Kind.STRING) {
                return new Raw.ActionRef(path.toString(), take().text(), pos(first));
            }
            path.append("::").append(ident("action entity type").text());
        }
        if (path.indexOf("::") >= 0) {
            throw unexpected(peek(), "`::` and the quoted action id after `" + path + "`");
        }
        return new Raw.ActionRef(null, path.toString(), pos(first));
    }

    private Raw.AppliesTo appliesTo(Token action) {
        Token keyword = take();
        expect("{");
        @Nullable List<Raw.Ref> principals = null;
        @Nullable List<Raw.Ref> resources = null;
        Raw.@Nullable Type context = null;
        Set<String> seen = new HashSet<>();
        while (!peek().is("}")) {
            Token key = peek();
            if (!(key.isIdent("principal") || key.isIdent("resource") || key.isIdent("context"))) {
                throw unexpected(key, "`principal`, `resource` or `context`");
            }
            take();
            if (!seen.add(key.text())) {
                throw pos(key).error("duplicate `" + key.text() + "` declaration in action `" + action.text() + "`");
            }
            expect(":");
            switch (key.text()) {
                case "principal" -> principals = appliesToTypes(key, action);
                case "resource" -> resources = appliesToTypes(key, action);
                default -> context = peek().is("{") ? record(1) : new Raw.Ref(path(), Raw.Kind.COMMON, pos(key));
            }
            if (!peek().is(",")) {
                break;
            }
            take();
        }
        expect("}");
        if (principals == null || resources == null) {
            throw pos(keyword)
                    .error("missing `" + (principals == null ? "principal" : "resource")
                            + "` declaration in `appliesTo` of action `" + action.text() + "`");
        }
        return new Raw.AppliesTo(principals, resources, context);
    }

    private List<Raw.Ref> appliesToTypes(Token key, Token action) {
        List<Raw.Ref> types = entityTypeList(true);
        if (types.isEmpty()) {
            throw pos(key).error("`" + key.text() + "` of action `" + action.text()
                    + "` is `[]`; list at least one entity type or leave out `appliesTo`");
        }
        return types;
    }

    private List<Raw.Ref> entityTypeList(boolean allowEmpty) {
        List<Raw.Ref> out = new ArrayList<>();
        if (!peek().is("[")) {
            Token at = peek();
            out.add(new Raw.Ref(path(), Raw.Kind.ENTITY, pos(at)));
            return out;
        }
        take();
        if (peek().is("]")) {
            take();
            return out;
        }
        do {
            Token at = peek();
            out.add(new Raw.Ref(path(), Raw.Kind.ENTITY, pos(at)));
        } while (peek().is(",") && take() != null);
        expect("]");
        return out;
    }

    private void commonType(NamespaceBuilder ns) {
        take();
        Token name = declaredIdent("common type");
        expect("=");
        Raw.Type type = type(1);
        expect(";");
        ns.commons.add(new Raw.Common(name.text(), type, pos(name)));
    }

    private Raw.Type type(int depth) {
        checkDepth(depth);
        Token t = peek();
        if (t.is("{")) {
            return record(depth);
        }
        if (t.isIdent("Set") && peekAt(1).is("<")) {
            take();
            take();
            Raw.Type element = type(depth + 1);
            expect(">");
            return new Raw.SetT(element);
        }
        return new Raw.Ref(path(), Raw.Kind.ANY, pos(t));
    }

    private Raw.RecordT record(int depth) {
        checkDepth(depth);
        expect("{");
        Map<String, Raw.Attr> attributes = new LinkedHashMap<>();
        while (!peek().is("}")) {
            annotations();
            Token name = peek();
            if (name.kind() == Kind.STRING) {
                take();
            } else {
                name = ident("attribute name");
                if (RESERVED.contains(name.text())) {
                    throw pos(name)
                            .error("`" + name.text()
                                    + "` is a reserved identifier; quote it to use it as an attribute name");
                }
            }
            boolean required = true;
            if (peek().is("?")) {
                take();
                required = false;
            }
            expect(":");
            // Like the reference, a repeated attribute name keeps the last declaration.
            attributes.remove(name.text());
            attributes.put(name.text(), new Raw.Attr(type(depth + 1), required));
            if (!peek().is(",")) {
                break;
            }
            take();
        }
        expect("}");
        return new Raw.RecordT(attributes, false);
    }

    private void checkDepth(int depth) {
        if (depth > Schema.MAX_NESTING_DEPTH) {
            throw pos(peek())
                    .error("types are nested more than " + Schema.MAX_NESTING_DEPTH
                            + " levels deep (Schema.MAX_NESTING_DEPTH)");
        }
    }

    private void annotations() {
        Set<String> keys = new HashSet<>();
        while (peek().is("@")) {
            take();
            Token key = ident("annotation name");
            if (!keys.add(key.text())) {
                throw pos(key).error("duplicate annotation `@" + key.text() + "`");
            }
            if (peek().is("(")) {
                take();
                string();
                expect(")");
            }
        }
    }

    private String path() {
        StringBuilder sb = new StringBuilder(nameIdent().text());
        while (peek().is("::")) {
            take();
            sb.append("::").append(nameIdent().text());
        }
        return sb.toString();
    }

    private Token nameIdent() {
        Token t = ident("name");
        if (RESERVED.contains(t.text())) {
            throw pos(t).error("`" + t.text() + "` is a reserved identifier and cannot be part of a name");
        }
        return t;
    }

    private Token declaredIdent(String what) {
        Token t = ident(what + " name");
        if (RESERVED.contains(t.text())) {
            throw pos(t).error("`" + t.text() + "` is a reserved identifier and cannot name an " + what);
        }
        if (t.text().equals("__cedar")) {
            throw pos(t).error("`__cedar` is reserved for Cedar's builtin types and cannot name an " + what);
        }
        return t;
    }

    private String string() {
        Token t = peek();
        if (t.kind() != Kind.STRING) {
            throw unexpected(t, "a string literal");
        }
        return take().text();
    }

    private Token ident(String what) {
        Token t = peek();
        if (t.kind() != Kind.IDENT) {
            throw unexpected(t, "an identifier (" + what + ")");
        }
        return take();
    }

    private void expect(String punct) {
        Token t = peek();
        if (!t.is(punct)) {
            throw unexpected(t, "`" + punct + "`");
        }
        take();
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(next + ahead, tokens.size() - 1));
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.kind() != Kind.EOF) {
            next++;
        }
        return t;
    }

    private static Raw.Pos pos(Token t) {
        return new Raw.Pos(t.line(), t.column(), "");
    }

    private static SchemaParseException unexpected(Token t, String expected) {
        return pos(t).error("unexpected " + t.describe() + "; expected " + expected);
    }

    private static final class NamespaceBuilder {
        final String name;
        final Raw.Pos pos;
        final List<Raw.Entity> entities = new ArrayList<>();
        final List<Raw.Action> actions = new ArrayList<>();
        final List<Raw.Common> commons = new ArrayList<>();

        NamespaceBuilder(String name, Raw.Pos pos) {
            this.name = name;
            this.pos = pos;
        }

        Raw.Namespace build() {
            return new Raw.Namespace(name, entities, actions, commons, pos);
        }
    }
}

package dev.mandate.cedar;

import static org.assertj.core.api.Assertions.assertThat;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Differential tests against the reference engine (cedar-java over the Rust core): random policy sets over
 * a fixed entity graph must give the same decision, reasons and erroring policies; random and broken policy
 * text must be accepted or rejected alike.
 */
final class AuthorizerDifferentialTest {
    private static final String ENTITIES_JSON = """
            [
              {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30, "name": "alice", "tags": ["a", "b"],
                 "boss": {"__entity": {"type": "User", "id": "bob"}}, "addr": {"city": "Oslo", "zip": 5},
                 "ip": {"__extn": {"fn": "ip", "arg": "10.1.2.3"}}, "big": 9223372036854775807},
               "parents": [{"type": "Group", "id": "staff"}], "tags": {"level": 3, "role": "admin"}},
              {"uid": {"type": "User", "id": "bob"}, "attrs": {"age": 50, "name": "bob", "tags": []},
               "parents": [{"type": "Group", "id": "all"}]},
              {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": [{"type": "Group", "id": "all"}]},
              {"uid": {"type": "Group", "id": "all"}, "attrs": {}, "parents": []},
              {"uid": {"type": "Doc", "id": "d1"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}},
                 "public": false}, "parents": [{"type": "Folder", "id": "f"}]},
              {"uid": {"type": "Folder", "id": "f"}, "attrs": {"public": true}, "parents": []},
              {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Action", "id": "all"}]},
              {"uid": {"type": "Action", "id": "write"}, "attrs": {}, "parents": []},
              {"uid": {"type": "Action", "id": "all"}, "attrs": {}, "parents": []}
            ]
            """;
    private static final Entities ENTITIES = CedarJson.entities(ENTITIES_JSON);
    private static final List<String> PRINCIPALS = List.of("User::\"alice\"", "User::\"bob\"", "User::\"ghost\"");
    private static final List<String> ACTIONS = List.of("Action::\"read\"", "Action::\"write\"");
    private static final List<String> RESOURCES = List.of("Doc::\"d1\"", "Folder::\"f\"", "Doc::\"none\"");
    private static final List<String> ENTITY_LITERALS = List.of(
            "User::\"alice\"",
            "User::\"bob\"",
            "Group::\"staff\"",
            "Group::\"all\"",
            "Doc::\"d1\"",
            "Folder::\"f\"",
            "Action::\"all\"",
            "User::\"ghost\"");

    record Case(List<String> policies, int principal, int action, int resource) {}

    @Property(tries = 600)
    void randomPolicySetsDecideLikeTheReference(@ForAll("cases") Case c) throws Exception {
        String text = String.join("\n", c.policies());
        Request request = new Request(
                EntityUid.parse(PRINCIPALS.get(c.principal())),
                EntityUid.parse(ACTIONS.get(c.action())),
                EntityUid.parse(RESOURCES.get(c.resource())),
                CedarJson.context(
                        "{\"n\": 5, \"s\": \"alice\", \"flag\": true, \"set\": [1, 2], \"rec\": {\"a\": 1}}"));
        Response mine = Authorizer.authorize(PolicySet.parse(text), request, ENTITIES);

        com.cedarpolicy.model.policy.PolicySet refSet = com.cedarpolicy.model.policy.PolicySet.parsePolicies(text);
        AuthorizationResponse refResp = new BasicAuthorizationEngine()
                .isAuthorized(
                        new AuthorizationRequest(
                                ref(request.principal()),
                                ref(request.action()),
                                ref(request.resource()),
                                referenceContext()),
                        refSet,
                        com.cedarpolicy.model.entity.Entities.parse(ENTITIES_JSON));
        AuthorizationSuccessResponse ok = refResp.success.orElseThrow();
        Set<String> refErrors = new TreeSet<>();
        ok.getErrors().forEach(e -> refErrors.add(e.getPolicyId()));
        Set<String> myErrors = new TreeSet<>();
        mine.errors().forEach(e -> myErrors.add(e.policyId()));

        net.jqwik.api.statistics.Statistics.label("decision").collect(mine.decision());
        net.jqwik.api.statistics.Statistics.label("errors").collect(myErrors.isEmpty() ? "none" : "some");
        String where = text + "\nrequest " + request;
        assertThat(mine.allowed()).as(where).isEqualTo(ok.isAllowed());
        assertThat(new TreeSet<>(mine.reasons())).as(where).isEqualTo(new TreeSet<>(ok.getReason()));
        assertThat(myErrors).as(where).isEqualTo(refErrors);
    }

    @Property(tries = 1500)
    void brokenPolicyTextIsRejectedLikeTheReference(@ForAll("mutatedPolicies") String text) {
        boolean refAccepts;
        try {
            com.cedarpolicy.model.policy.PolicySet.parsePolicies(text);
            refAccepts = true;
        } catch (InternalException e) {
            refAccepts = false;
        }
        boolean myAccepts;
        try {
            PolicySet.parse(text);
            myAccepts = true;
        } catch (CedarParseException e) {
            myAccepts = false;
        }
        net.jqwik.api.statistics.Statistics.label("accepted").collect(refAccepts);
        assertThat(myAccepts).as(text).isEqualTo(refAccepts);
    }

    private static Map<String, com.cedarpolicy.value.Value> referenceContext() {
        Map<String, com.cedarpolicy.value.Value> ctx = new HashMap<>();
        ctx.put("n", new com.cedarpolicy.value.PrimLong(5));
        ctx.put("s", new com.cedarpolicy.value.PrimString("alice"));
        ctx.put("flag", new com.cedarpolicy.value.PrimBool(true));
        ctx.put(
                "set",
                new com.cedarpolicy.value.CedarList(
                        List.of(new com.cedarpolicy.value.PrimLong(1), new com.cedarpolicy.value.PrimLong(2))));
        ctx.put("rec", new com.cedarpolicy.value.CedarMap(Map.of("a", new com.cedarpolicy.value.PrimLong(1))));
        return ctx;
    }

    private static EntityUID ref(EntityUid uid) {
        return new EntityUID(EntityTypeName.parse(uid.type()).orElseThrow(), uid.id());
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<String>> policies = policy().list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(
                        policies,
                        Arbitraries.integers().between(0, PRINCIPALS.size() - 1),
                        Arbitraries.integers().between(0, ACTIONS.size() - 1),
                        Arbitraries.integers().between(0, RESOURCES.size() - 1))
                .as(Case::new);
    }

    @Provide
    Arbitrary<String> mutatedPolicies() {
        Arbitrary<String> base = policy();
        Arbitrary<String> junk = Arbitraries.of(
                ".in",
                ".if",
                ".true",
                ".principal",
                ".is",
                " has in",
                " has if",
                " has true",
                " has principal",
                "{if: 1}",
                "{true: 1}",
                "{principal: 1}",
                "{is: 1}",
                "{__cedar: 1}",
                "{then: 1}",
                ".like",
                " has permit",
                " has __cedar",
                ".__cedar",
                "Action::permit::\"a\"",
                "then::\"x\"",
                ".then(",
                "\"\\u{D800}\"",
                "\"\\x80\"",
                "\"\\x7f\\0\\'\"",
                "\"\\*\"",
                ".contains(",
                "principal::\"x\"",
                "if::\"a\"",
                "__cedar::\"x\"",
                "true::\"x\"",
                "?resource",
                "-9223372036854775808",
                "--1",
                "!!!!!",
                "-----1",
                "permit",
                "when {",
                "unless",
                "/",
                "%",
                "=",
                "// c\n",
                "@id(\"x\")",
                "Action::\"a\"",
                "ip(",
                "decimal(\"1\")",
                ".isEmpty()",
                "[1,]",
                "{a:1,}",
                "{\"a\":1}",
                "principal.x.y",
                "[\"a\"]",
                "context[\"a\"]",
                "User::a::\"x\"",
                "::\"\"",
                "\"\\u{10FFFF}\"",
                "\"\\u{110000}\"",
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "\"",
                "::",
                "-",
                "!",
                ".",
                ",",
                ";",
                "@a",
                "?principal",
                "in",
                "is",
                "has",
                "like",
                "if",
                "then",
                "else",
                "==",
                "&&",
                "<",
                "1",
                "9223372036854775808",
                "");
        return Combinators.combine(
                        base,
                        Arbitraries.integers().between(0, 1000),
                        junk,
                        Arbitraries.integers().between(0, 3))
                .as((p, at, j, cut) -> {
                    int i = at % (p.length() + 1);
                    int end = Math.min(p.length(), i + cut);
                    return p.substring(0, i) + j + p.substring(end);
                });
    }

    private Arbitrary<String> policy() {
        Arbitrary<String> effect = Arbitraries.of("permit", "forbid");
        Arbitrary<String> principal = Arbitraries.of(
                "principal",
                "principal == User::\"alice\"",
                "principal in Group::\"all\"",
                "principal is User",
                "principal is User in Group::\"staff\"",
                "principal in User::\"ghost\"");
        Arbitrary<String> action = Arbitraries.of(
                "action",
                "action == Action::\"read\"",
                "action in Action::\"all\"",
                "action in [Action::\"write\", Action::\"all\"]",
                "action in []");
        Arbitrary<String> resource = Arbitraries.of(
                "resource",
                "resource == Doc::\"d1\"",
                "resource in Folder::\"f\"",
                "resource is Doc",
                "resource is Folder in Folder::\"f\"");
        Arbitrary<String> conditions = Combinators.combine(Arbitraries.of("when", "unless"), expr(3))
                .as((w, e) -> " " + w + " { " + e + " }")
                .list()
                .ofMaxSize(2)
                .map(l -> String.join("", l));
        return Combinators.combine(effect, principal, action, resource, conditions)
                .as((e, p, a, r, c) -> e + "(" + p + ", " + a + ", " + r + ")" + c + ";");
    }

    private Arbitrary<String> expr(int depth) {
        Arbitrary<String> atom = Arbitraries.oneOf(
                Arbitraries.of(
                        "true",
                        "false",
                        "0",
                        "1",
                        "-1",
                        "30",
                        "9223372036854775807",
                        "-9223372036854775808",
                        "\"a\"",
                        "context.n",
                        "context.s",
                        "context.flag",
                        "context.set",
                        "context.rec",
                        "context.rec.a",
                        "context.nope",
                        "\"\"",
                        "\"alice\"",
                        "principal",
                        "resource",
                        "action",
                        "context",
                        "principal.age",
                        "principal.name",
                        "principal.tags",
                        "principal.boss",
                        "principal.addr",
                        "principal.addr.city",
                        "principal.big",
                        "resource.owner",
                        "resource.public",
                        "principal.nope",
                        "principal.ip",
                        "ip(\"10.0.0.0/8\")",
                        "ip(\"::1\")",
                        "decimal(\"1.5\")",
                        "datetime(\"2024-01-01T00:00:00Z\")",
                        "duration(\"1h30m\")",
                        "ip(\"bad\")",
                        "[]",
                        "{}",
                        "{a: 1, \"b c\": \"x\"}"),
                Arbitraries.of(ENTITY_LITERALS));
        if (depth == 0) {
            return atom;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> expr(depth - 1));
        Arbitrary<String> binop = Arbitraries.of("==", "!=", "<", "<=", ">", ">=", "&&", "||", "+", "-", "*", "in");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, atom),
                net.jqwik.api.Tuple.of(
                        4, Combinators.combine(sub, binop, sub).as((a, o, b) -> "(" + a + " " + o + " " + b + ")")),
                net.jqwik.api.Tuple.of(1, sub.map(a -> "!(" + a + ")")),
                net.jqwik.api.Tuple.of(1, sub.map(a -> "-(" + a + ")")),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(
                                        sub,
                                        Arbitraries.of("age", "addr", "name", "\"b c\"", "a", "addr.city", "owner"))
                                .as((a, n) -> "(" + a + " has " + n + ")")),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(sub, Arbitraries.of("a*", "*", "al*e", "\\*", ""))
                                .as((a, p) -> "(" + a + " like \"" + p + "\")")),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(sub, Arbitraries.of("User", "Group", "Doc"))
                                .as((a, t) -> "(" + a + " is " + t + ")")),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(sub, sub, sub)
                                .as((a, b, c) -> "(if " + a + " then " + b + " else " + c + ")")),
                net.jqwik.api.Tuple.of(1, sub.list().ofMaxSize(3).map(l -> "[" + String.join(", ", l) + "]")),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(
                                        sub,
                                        Arbitraries.of(
                                                "contains",
                                                "containsAll",
                                                "containsAny",
                                                "hasTag",
                                                "getTag",
                                                "isInRange",
                                                "lessThan",
                                                "offset",
                                                "durationSince"),
                                        sub)
                                .as((a, m, b) -> "(" + a + ")." + m + "(" + b + ")")),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(
                                        sub,
                                        Arbitraries.of(
                                                "isEmpty", "isIpv4", "isLoopback", "toDate", "toTime", "toHours"))
                                .as((a, m) -> "(" + a + ")." + m + "()")),
                net.jqwik.api.Tuple.of(
                        1, Combinators.combine(sub, sub).as((a, b) -> "{k: " + a + ", j: " + b + "}.k")));
    }
}

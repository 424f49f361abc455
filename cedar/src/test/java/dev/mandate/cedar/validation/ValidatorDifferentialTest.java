package dev.mandate.cedar.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.ValidationRequest;
import com.cedarpolicy.model.ValidationResponse;
import com.cedarpolicy.model.schema.Schema.JsonOrCedar;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.schema.Schema;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Differential tests of the validator against the reference's (cedar-java over the Rust core, strict mode): random
 * schemas (attribute types and optionality, {@code appliesTo} lists, context shapes, action groups) and random policy
 * sets over them must get the same verdict, with errors attributed to the same policies.
 */
final class ValidatorDifferentialTest {
    record Case(String schema, List<String> policies) {}

    @Property(tries = 400, seed = "20261124") // fixed so CI is repeatable; change it to explore
    void randomSchemasAndPoliciesValidateLikeTheReference(@ForAll("cases") Case c) throws Exception {
        String text = String.join("\n", c.policies());
        Schema schema = Schema.parseCedar(c.schema());
        ValidationResult mine = Validator.validate(schema, PolicySet.parse(text), ValidationMode.STRICT);
        ValidationResult mineFromText = Validator.validate(schema, text, ValidationMode.STRICT);

        ValidationResponse ref = new BasicAuthorizationEngine()
                .validate(new ValidationRequest(
                        com.cedarpolicy.model.schema.Schema.parse(JsonOrCedar.Cedar, c.schema()),
                        com.cedarpolicy.model.policy.PolicySet.parsePolicies(text)));
        assertThat(ref.success).as("the reference could not validate: %s", ref).isPresent();
        Set<String> refIds = new TreeSet<>();
        ref.success.orElseThrow().validationErrors.forEach(e -> refIds.add(e.getPolicyId()));

        Set<String> myIds = new TreeSet<>();
        mine.errors().forEach(e -> myIds.add(e.policyId()));
        String why = "schema:\n" + c.schema() + "\npolicies:\n" + text + "\nmine: " + mine.errors() + "\nreference: "
                + ref.success.orElseThrow().validationErrors;
        Statistics.collect(mine.isValid() ? "valid" : "invalid");
        mine.errors().forEach(e -> Statistics.label("rules").collect(e.code()));
        assertThat(mine.isValid()).as(why).isEqualTo(refIds.isEmpty());
        assertThat(myIds).as(why).isEqualTo(refIds);
        // Validating from text only adds positions (so one error at two places is two errors): same policies, rules.
        assertThat(kinds(mineFromText)).as(why).isEqualTo(kinds(mine));
    }

    /**
     * Mandate's own generated schema (the sample {@code docs/policies.md} shows, which {@code SchemaGeneratorTest}
     * pins to the generator's output): tool actions in label groups, groups that apply themselves, typed
     * {@code context.input}.
     */
    @Property(tries = 300, seed = "20261124") // fixed so CI is repeatable; change it to explore
    void policiesOnMandatesGeneratedSchemaValidateLikeTheReference(@ForAll("mandatePolicies") List<String> policies)
            throws Exception {
        String schemaText = mandateSchema();
        String text = String.join("\n", policies);
        ValidationResult mine = Validator.validate(Schema.parseCedar(schemaText), text, ValidationMode.STRICT);
        ValidationResponse ref = new BasicAuthorizationEngine()
                .validate(new ValidationRequest(
                        com.cedarpolicy.model.schema.Schema.parse(JsonOrCedar.Cedar, schemaText),
                        com.cedarpolicy.model.policy.PolicySet.parsePolicies(text)));
        assertThat(ref.success).as("the reference could not validate: %s", ref).isPresent();
        Set<String> refIds = new TreeSet<>();
        ref.success.orElseThrow().validationErrors.forEach(e -> refIds.add(e.getPolicyId()));
        Set<String> myIds = new TreeSet<>();
        mine.errors().forEach(e -> myIds.add(e.policyId()));
        Statistics.collect(mine.isValid() ? "valid" : "invalid");
        assertThat(myIds)
                .as(
                        "policies:\n%s\nmine: %s\nreference: %s",
                        text, mine.errors(), ref.success.orElseThrow().validationErrors)
                .isEqualTo(refIds);
    }

    private static String mandateSchema() throws java.io.IOException {
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "policies.md"));
        int start = docs.indexOf("```cedarschema\n") + "```cedarschema\n".length();
        return docs.substring(start, docs.indexOf("```", start));
    }

    @Provide
    Arbitrary<List<String>> mandatePolicies() {
        Arbitrary<String> action = Arbitraries.of(
                "action",
                "action == Action::\"webhook.post\"",
                "action == Action::\"crm.get_customer\"",
                "action in Action::\"egress\"",
                "action in Action::\"reads:pii\"",
                "action in Action::\"call_tool\"",
                "action in [Action::\"egress\", Action::\"destructive\"]",
                "action == Action::\"webhook.psot\"");
        Arbitrary<String> principal = Arbitraries.of(
                "principal", "principal in Team::\"support\"", "principal is Agent", "principal == Person::\"p\"");
        Arbitrary<String> condition = Arbitraries.of(
                "context.mandate.purpose == \"triage\"",
                "context.flow.labels.contains(\"pii\")",
                "context.flow.label.contains(\"pii\")",
                "context.flow.sensitivity >= 2",
                "context.flow.sensitivity >= \"2\"",
                "context.approval.granted",
                "context.history.calls < 100",
                "context.tool.egress && context.destination.external",
                "context.destination.host like \"*.example.com\"",
                "context.input.url like \"https://*\"",
                "context.input has url && context.input.url like \"https://*\"",
                "context.input.retries > 3",
                "principal.tier == \"autonomous\"",
                "principal.owner == \"team-support\"",
                "principal.rank > 1",
                "resource.name == \"crm\"",
                "context.mandate.depth + 1 < 3");
        Arbitrary<String> conditions = Combinators.combine(Arbitraries.of("when", "unless"), condition)
                .as((w, c) -> " " + w + " { " + c + " }")
                .list()
                .ofMaxSize(2)
                .map(l -> String.join("", l));
        return Combinators.combine(Arbitraries.of("permit", "forbid"), principal, action, conditions)
                .as((e, p, a, c) -> e + "(" + p + ", " + a + ", resource)" + c + ";")
                .list()
                .ofMinSize(1)
                .ofMaxSize(3);
    }

    private static Set<String> kinds(ValidationResult r) {
        Set<String> out = new TreeSet<>();
        r.errors().forEach(e -> out.add(e.policyId() + " " + e.code()));
        return out;
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(schema(), policy().list().ofMinSize(1).ofMaxSize(3))
                .as(Case::new);
    }

    // ---- schemas: one shape, with the parts that matter to typing drawn at random ----

    private static Arbitrary<String> type() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of("Long", "String", "Bool", "User")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("Set<String>", "Set<Long>", "{ a: Long, b?: String }")));
    }

    private static Arbitrary<String> attribute(String name) {
        return Combinators.combine(
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(1, Arbitraries.just("")),
                                net.jqwik.api.Tuple.of(2, Arbitraries.just(name + ": ")),
                                net.jqwik.api.Tuple.of(2, Arbitraries.just(name + "?: "))),
                        type())
                .as((prefix, t) -> prefix.isEmpty() ? "" : prefix + t);
    }

    private static Arbitrary<String> shape(String... names) {
        Arbitrary<String> first = attribute(names[0]);
        Arbitrary<List<String>> all = first.list().ofSize(0);
        for (String n : names) {
            Arbitrary<String> one = attribute(n);
            all = Combinators.combine(all, one).as((l, a) -> {
                List<String> out = new java.util.ArrayList<>(l);
                if (!a.isEmpty()) {
                    out.add(a);
                }
                return out;
            });
        }
        return all.map(l -> "{ " + String.join(", ", l) + " }");
    }

    private static Arbitrary<String> types(String... names) {
        // Mostly non-empty: an action that applies to nothing makes most policies impossible.
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(
                        6, Arbitraries.subsetOf(names).ofMinSize(1).map(s -> String.join(", ", new TreeSet<>(s)))));
    }

    private static Arbitrary<String> action(String name, String groups) {
        return Combinators.combine(types("User", "Group"), types("Doc", "Group"), shape("n", "s", "flag"))
                .as((p, r, ctx) -> {
                    String in = groups.isEmpty() ? "" : " in [" + groups + "]";
                    if (p.isEmpty() || r.isEmpty()) {
                        return "action \"" + name + "\"" + in + ";";
                    }
                    return "action \"" + name + "\"" + in + " appliesTo { principal: [" + p + "], resource: [" + r
                            + "], context: " + ctx + " };";
                });
    }

    private static Arbitrary<String> schema() {
        return Combinators.combine(
                        shape("age", "name", "nick", "boss"),
                        shape("owner", "public", "title"),
                        Arbitraries.of("", " in [Group]"),
                        action("read", "Action::\"all\""),
                        action("write", ""))
                .as((user, doc, userIn, read, write) -> "entity Group;\n"
                        + "entity User" + userIn + " " + user + ";\n"
                        + "entity Doc in [Group] " + doc + ";\n"
                        + "action \"all\";\n"
                        + read + "\n"
                        + write + "\n");
    }

    // ---- policies over that shape, with typos and wrong types on purpose ----

    private static Arbitrary<String> policy() {
        Arbitrary<String> principal = Arbitraries.oneOf(
                Arbitraries.just("principal"),
                Arbitraries.of(
                        "principal",
                        "principal == User::\"alice\"",
                        "principal in Group::\"g\"",
                        "principal is User",
                        "principal is Group",
                        "principal is User in Group::\"g\"",
                        "principal == Ghost::\"x\""));
        Arbitrary<String> action = Arbitraries.oneOf(
                Arbitraries.just("action"),
                Arbitraries.of(
                        "action",
                        "action == Action::\"read\"",
                        "action == Action::\"write\"",
                        "action in Action::\"all\"",
                        "action in [Action::\"read\", Action::\"write\"]",
                        "action == Action::\"nope\""));
        Arbitrary<String> resource =
                Arbitraries.of("resource", "resource is Doc", "resource in Group::\"g\"", "resource == Doc::\"d\"");
        // Often no condition, or a shallow one, so that a good share of sets is valid.
        Arbitrary<String> condition = Combinators.combine(
                        Arbitraries.of("when", "unless"),
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(3, guarded()),
                                net.jqwik.api.Tuple.of(1, expr(1)),
                                net.jqwik.api.Tuple.of(1, expr(2))))
                .as((w, e) -> " " + w + " { " + e + " }");
        Arbitrary<String> conditions = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(3, condition),
                net.jqwik.api.Tuple.of(1, condition.list().ofSize(2).map(l -> String.join("", l))));
        return Combinators.combine(Arbitraries.of("permit", "forbid"), principal, action, resource, conditions)
                .as((e, p, a, r, c) -> e + "(" + p + ", " + a + ", " + r + ")" + c + ";");
    }

    /** Well-typed when the attribute is declared with the type the test assumes; guarded when it is optional. */
    private static Arbitrary<String> guarded() {
        return Arbitraries.of(
                "principal has age && principal.age < 5",
                "principal.age < 5",
                "principal has name && principal.name like \"a*\"",
                "principal has nick && principal.nick == \"x\"",
                "principal.nick == \"x\"",
                "principal has boss && principal.boss == principal",
                "resource has public && resource.public",
                "resource.public",
                "resource has owner && resource.owner == principal",
                "context has n && context.n == 1",
                "context.flag",
                "principal in resource",
                "resource in Group::\"g\"",
                "principal is User",
                "true");
    }

    private static Arbitrary<String> expr(int depth) {
        Arbitrary<String> atom = Arbitraries.of(
                "true",
                "1",
                "\"a\"",
                "principal.age",
                "principal.name",
                "principal.nick",
                "principal.boss",
                "principal.boss.age",
                "principal.nope",
                "resource.owner",
                "resource.public",
                "resource.title",
                "resource.title.a",
                "context.n",
                "context.s",
                "context.flag",
                "context.nope",
                "principal",
                "resource",
                "User::\"alice\"",
                "Group::\"g\"",
                "Ghost::\"x\"",
                "[1, 2]",
                "[\"a\"]",
                "{a: 1}");
        if (depth == 0) {
            return atom;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> expr(depth - 1));
        Arbitrary<String> has = Combinators.combine(
                        Arbitraries.of("principal", "resource", "context", "principal.boss"),
                        Arbitraries.of("age", "nick", "boss", "owner", "title", "n", "s", "nope"),
                        sub)
                .as((target, attr, then) -> "(" + target + " has " + attr + " && " + then + ")");
        Arbitrary<String> binary = Combinators.combine(
                        sub, Arbitraries.of("==", "!=", "<", "&&", "||", "+", "in", "like \"a*\" &&"), sub)
                .as((l, op, r) -> "(" + l + " " + op + " " + r + ")");
        Arbitrary<String> method = Combinators.combine(
                        sub, Arbitraries.of("contains", "containsAll", "containsAny"), sub)
                .as((l, m, r) -> "(" + l + ")." + m + "(" + r + ")");
        Arbitrary<String> misc =
                Combinators.combine(sub, sub, sub).as((a, b, c) -> "(if " + a + " then " + b + " else " + c + ")");
        Arbitrary<String> unary = sub.map(s -> "!" + s);
        Arbitrary<String> is = sub.map(s -> "(" + s + " is User)");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, atom),
                net.jqwik.api.Tuple.of(3, has),
                net.jqwik.api.Tuple.of(4, binary),
                net.jqwik.api.Tuple.of(1, method),
                net.jqwik.api.Tuple.of(1, misc),
                net.jqwik.api.Tuple.of(1, unary),
                net.jqwik.api.Tuple.of(1, is));
    }
}

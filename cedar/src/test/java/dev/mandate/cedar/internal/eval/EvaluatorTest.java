package dev.mandate.cedar.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.cedar.CedarJson;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.Limits;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.Value;
import dev.mandate.cedar.internal.parse.Parser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class EvaluatorTest {
    private static final Entities ENTITIES = CedarJson.entities("""
            [
              {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30, "tags": ["a", "b"],
                 "boss": {"__entity": {"type": "User", "id": "bob"}}, "addr": {"city": "Oslo"}},
               "parents": [{"type": "Group", "id": "staff"}], "tags": {"level": 3}},
              {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": [{"type": "Group", "id": "all"}]},
              {"uid": {"type": "Group", "id": "all"}, "attrs": {}, "parents": []}
            ]
            """);
    private static final Request REQUEST = new Request(
            EntityUid.of("User", "alice"),
            EntityUid.of("Action", "view"),
            EntityUid.of("Doc", "d1"),
            CedarJson.context("{\"n\": 5, \"ip\": {\"__extn\": {\"fn\": \"ip\", \"arg\": \"10.0.0.1\"}}}"));

    private static Value eval(String expr) {
        return new Evaluator(REQUEST, ENTITIES).eval(Parser.parseExpression(expr, Limits.DEFAULTS));
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiterString = "=>", textBlock = """
            1 + 2 * 3 => 7
            -9223372036854775808 => -9223372036854775808
            1 == true => false
            [1, 2] == [2, 1, 1] => true
            {a: 1, b: [true]} == {b: [true], a: 1} => true
            false && (1 + "a") => false
            true || principal.nope => true
            if 1 < 2 then "y" else 1 + "x" => "y"
            principal in Group::"all" => true
            principal in [Doc::"x", Group::"staff"] => true
            Group::"all" in principal => false
            User::"ghost" in User::"ghost" => true
            User::"ghost" in Group::"all" => false
            principal.age >= 30 => true
            principal.boss == User::"bob" => true
            principal has addr.city => true
            principal has addr.zip => false
            User::"ghost" has age => false
            principal.tags.contains("a") => true
            principal.tags.containsAll(["a", "b"]) => true
            principal.tags.containsAny(["z"]) => false
            [].isEmpty() => true
            principal.hasTag("level") => true
            principal.getTag("level") => 3
            User::"ghost".hasTag("level") => false
            "a*b" like "a\\*b" => true
            "axxb" like "a*b" => true
            "ab" like "a*b*" => true
            "abc" like "a*d" => false
            principal is User => true
            principal is User in Group::"all" => true
            resource is User in Group::"all" => false
            context.ip.isInRange(ip("10.0.0.0/8")) => true
            decimal("1.5").lessThan(decimal("2.0")) => true
            datetime("2024-01-01") < datetime("2024-01-02") => true
            duration("1h") > duration("59m") => true
            duration("2d").toHours() => 48
            "\\u{1F600}" == "😀" => true
            """)
    void expressionsEvaluateLikeTheReference(String expr, String expected) {
        assertThat(eval(expr)).isEqualTo(CedarJson.value(expected));
    }

    @ParameterizedTest(name = "{0} errors")
    @CsvSource(delimiterString = "=>", textBlock = """
            9223372036854775807 + 1 => overflow
            -9223372036854775807 - 2 => overflow
            4611686018427387904 * 2 => overflow
            -(-9223372036854775808) => overflow
            1 + "a" => Long
            1 < "a" => Long
            decimal("1.0") < decimal("2.0") => datetime or duration
            !1 => Bool
            true && 1 => Bool
            if 1 then 2 else 3 => Bool
            principal.nope => does not have the attribute
            User::"ghost".age => does not exist
            context.missing => does not have the attribute
            1 in Group::"all" => entity
            principal in [1] => set of entities
            principal.getTag("nope") => no tag
            User::"ghost".getTag("level") => does not exist
            1 has a => entity or a record
            1 like "a" => String
            ip("nope") => ip
            decimal("1.23456") => decimal
            [1].containsAll(1) => Set
            """)
    void errorsAreReportedNotCoerced(String expr, String messagePart) {
        assertThatThrownBy(() -> eval(expr)).isInstanceOf(EvalException.class).hasMessageContaining(messagePart);
    }
}

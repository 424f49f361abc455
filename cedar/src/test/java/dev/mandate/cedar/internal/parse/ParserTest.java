package dev.mandate.cedar.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.cedar.CedarParseException;
import dev.mandate.cedar.Effect;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.Limits;
import dev.mandate.cedar.internal.ast.PolicyAst;
import dev.mandate.cedar.internal.ast.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ParserTest {

    @Test
    void digitsFollowedByLettersAreANumberAndAnIdentifierLikeInTheReference() {
        // Found by the differential test: cedar-java accepts `--1is User`.
        List<PolicyAst> ps = Parser.parsePolicies(
                "permit (principal, action, resource) when { principal.age --1is User };", Limits.DEFAULTS);
        assertThat(ps).hasSize(1);
    }

    @Test
    void aFullPolicyParsesWithAnnotationsScopeAndConditions() {
        List<PolicyAst> ps = Parser.parsePolicies("""
                // leading comment
                @id("p1") @advice
                forbid (principal is NS::User in NS::Group::"g", action in [Action::"a", NS::Action::"b"],
                        resource == Doc::"d\\u{41}")
                when { context.x has y.z }
                unless { resource.owner == principal };
                permit (principal == ?principal, action, resource in ?resource);
                """, Limits.DEFAULTS);
        assertThat(ps).hasSize(2);
        PolicyAst p = ps.get(0);
        assertThat(p.effect()).isEqualTo(Effect.FORBID);
        assertThat(p.annotations()).containsEntry("id", "p1").containsEntry("advice", "");
        assertThat(p.principal())
                .isEqualTo(new Scope.Is("NS::User", new Scope.In(EntityUid.of("NS::Group", "g"), null)));
        assertThat(p.resource()).isEqualTo(new Scope.Eq(EntityUid.of("Doc", "dA"), null));
        assertThat(p.isTemplate()).isFalse();
        assertThat(ps.get(1).isTemplate()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            permit(principal, action, resource)                          | 1:36 | expected `when`, `unless` or `;`
            permit(principal, action);                                   | 1:25 | expected `,`
            permit(principal, action, resource) when { 1 < 2 < 3 };      | 1:50 | comparisons do not chain
            permit(principal, action, resource) when { x };              | 1:44 | unknown variable `x`
            permit(principal, action, resource) when { 1 / 2 };          | 1:46 | no `/` operator
            permit(principal, action, resource) when { "a\\q" };         | 1:44 | unknown escape
            permit(principal, action, resource) when { 9223372036854775808 }; | 1:44 | out of the 64-bit range
            permit(principal, action == User::"a", resource);            | 1:29 | type Action
            permit(principal in [User::"a"], action, resource);          | 1:21 | only allowed in the action
            permit(principal == ?resource, action, resource);            | 1:22 | only use the slot ?principal
            permit(principal, action, resource) when { foo(1) };         | 1:44 | unknown function `foo`
            permit(principal, action, resource) when { [].bar() };       | 1:47 | unknown method `bar`
            permit(principal, action, resource) when { lessThan(1, 2) }; | 1:44 | is a method, not a function
            permit(principal, action, resource) when { {a: 1, a: 2} };   | 1:51 | appears twice
            permit(principal, action, resource) when { };                | 1:42 | must not be empty
            permit(principal, action, resource) when { true::"x" };      | 1:44 | reserved word
            @a("x") @a("y") permit(principal, action, resource);          | 1:9  | appears twice
            allow(principal, action, resource);                          | 1:1  | expected `permit` or `forbid`
            permit(principal, action, resource) when { "abc };           | 1:44 | not closed
            """)
    void syntaxErrorsNameThePositionAndTheRule(String text, String position, String message) {
        assertThatThrownBy(() -> Parser.parsePolicies(text, Limits.DEFAULTS))
                .isInstanceOf(CedarParseException.class)
                .hasMessageStartingWith(position + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void errorsOnLaterLinesCountLinesAndColumns() {
        assertThatThrownBy(() ->
                        Parser.parsePolicies("permit(principal, action, resource);\n\n  forbid(", Limits.DEFAULTS))
                .isInstanceOfSatisfying(CedarParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(10);
                });
    }

    @Test
    void nestingDeeperThanTheLimitFailsNamingTheLimit() {
        String deep = "permit(principal, action, resource) when { " + "(".repeat(50) + "true" + ")".repeat(50) + " };";
        assertThat(Parser.parsePolicies(deep, Limits.DEFAULTS)).hasSize(1);
        assertThatThrownBy(() -> Parser.parsePolicies(deep, Limits.DEFAULTS.withMaxExpressionDepth(20)))
                .isInstanceOf(CedarParseException.class)
                .hasMessageContaining("Limits.maxExpressionDepth = 20");
    }

    @Test
    void textLongerThanTheLimitFailsNamingTheLimit() {
        String text = "permit(principal, action, resource);";
        assertThatThrownBy(() -> Parser.parsePolicies(text, Limits.DEFAULTS.withMaxPolicyTextChars(10)))
                .isInstanceOf(CedarParseException.class)
                .hasMessageContaining("Limits.maxPolicyTextChars = 10")
                .hasMessageContaining(String.valueOf(text.length()));
    }
}

package dev.mandate.cedar.internal.parse;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.mandate.cedar.CedarParseException;
import dev.mandate.cedar.Limits;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class ParserRobustnessTest {
    private static final String SEED = """
            @id("a") permit(principal is NS::User in Group::"g", action in [Action::"r"], resource == Doc::"\\u{41}")
            when { context.a has b.c && [1, -2, {x: "y"}].containsAll([1]) || ip("10.0.0.1").isInRange(ip("10.0.0.0/8")) }
            unless { if principal.age < 3 then "a*" like "a\\*" else !(resource in ?resource) };
            """;

    @Property(tries = 2000, seed = "20261124") // fixed so CI is repeatable; change it to explore
    void mutatedPolicyTextOnlyEverFailsWithTheParseException(@ForAll("mutations") String text) {
        assertThatCode(() -> {
                    try {
                        Parser.parsePolicies(text, Limits.DEFAULTS.withMaxExpressionDepth(50));
                    } catch (CedarParseException expected) {
                        // the documented failure
                    }
                })
                .doesNotThrowAnyException();
    }

    @Property(tries = 1000, seed = "20261124") // fixed so CI is repeatable; change it to explore
    void randomTextOnlyEverFailsWithTheParseException(@ForAll("cedarish") String text) {
        assertThatCode(() -> {
                    try {
                        Parser.parsePolicies(text, Limits.DEFAULTS);
                    } catch (CedarParseException expected) {
                        // the documented failure
                    }
                })
                .doesNotThrowAnyException();
    }

    @Provide
    Arbitrary<String> mutations() {
        Arbitrary<Integer> pos = Arbitraries.integers().between(0, SEED.length() - 1);
        Arbitrary<String> insert = Arbitraries.of(
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "\"",
                "\\",
                "::",
                "?",
                "-",
                "!",
                "*",
                ".",
                ",",
                ";",
                "@",
                "0",
                "99999999999999999999",
                "\\u{",
                "like",
                "has",
                "is",
                "in",
                "if",
                "\n",
                "");
        return net.jqwik.api.Combinators.combine(pos, pos, insert).as((a, b, ins) -> {
            int from = Math.min(a, b);
            int to = Math.min(Math.max(a, b), from + 5);
            return SEED.substring(0, from) + ins + SEED.substring(to);
        });
    }

    @Provide
    Arbitrary<String> cedarish() {
        return Arbitraries.strings()
                .withChars("permitforbidwhenunlesprncaloux(){}[]\"\\:;,.-!*?@=<>&|0123456789 \n")
                .ofMaxLength(200);
    }
}

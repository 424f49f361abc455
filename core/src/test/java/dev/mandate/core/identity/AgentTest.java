package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.mandate.Tier;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class AgentTest {
    private static final SpiffeId ID = SpiffeId.parse("spiffe://mandate.local/agent/a");

    private static Agent agent(String name, String owner, Set<String> purposes) {
        return new Agent(name, ID, owner, Tier.COPILOT, purposes, null, AgentStatus.ACTIVE, Instant.EPOCH);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"a", "support-bot", "0x1", "a234567890123456789012345678901234567890123456789012345678901234"})
    void validNamesAreAccepted(String name) {
        assertThat(agent(name, "o", Set.of()).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-a",
                "A",
                "a_b",
                "a/b",
                "a.b",
                "a2345678901234567890123456789012345678901234567890123456789012345"
            })
    void invalidNamesAreRefusedNamingTheRule(String name) {
        assertThatThrownBy(() -> agent(name, "o", Set.of()))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("agent name '" + name + "'")
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"''|needs an owner", "'   '|needs an owner", "'a\tb'|control characters"})
    void ownerIsRequiredAndClean(String owner, String message) {
        assertThatThrownBy(() -> agent("a", owner, Set.of())).hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Support", "a,b", "", "with space"})
    void purposesFollowTheWordRule(String purpose) {
        assertThatThrownBy(() -> agent("a", "o", Set.of(purpose))).hasMessageContaining("purpose '" + purpose + "'");
    }

    @org.junit.jupiter.api.Test
    void tooManyPurposesAreRefusedNamingTheLimit() {
        Set<String> many = IntStream.range(0, Agent.MAX_PURPOSES + 1)
                .mapToObj(i -> "p" + i)
                .collect(Collectors.toSet());
        assertThatThrownBy(() -> agent("a", "o", many)).hasMessageContaining("at most " + Agent.MAX_PURPOSES);
    }

    @org.junit.jupiter.api.Test
    void setsAreSortedAndOwnerStripped() {
        Agent a = agent("a", "  team  ", Set.of("b", "a"));
        assertThat(a.purposes()).containsExactly("a", "b");
        assertThat(a.owner()).isEqualTo("team");
    }
}

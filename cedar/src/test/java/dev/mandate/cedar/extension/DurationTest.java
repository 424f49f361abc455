package dev.mandate.cedar.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class DurationTest {
    record Accepted(String input, long millis, long days, long hours, long minutes, long seconds) {}

    record Rejected(String input, String rule) {}

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("1d2h3m4s5ms", 93_784_005L, 1, 26, 1563, 93_784),
                new Accepted("-1d2h", -93_600_000L, -1, -26, -1560, -93_600),
                new Accepted("0ms", 0, 0, 0, 0, 0),
                new Accepted("-0ms", 0, 0, 0, 0, 0),
                new Accepted("-1999ms", -1999, 0, 0, 0, -1),
                new Accepted("90m", 5_400_000, 0, 1, 90, 5400),
                new Accepted("1m1ms", 60_001, 0, 0, 1, 60),
                new Accepted(
                        "9223372036854775807ms",
                        Long.MAX_VALUE,
                        106_751_991_167L,
                        2_562_047_788_015L,
                        153_722_867_280_912L,
                        9_223_372_036_854_775L),
                new Accepted(
                        "-9223372036854775808ms",
                        Long.MIN_VALUE,
                        -106_751_991_167L,
                        -2_562_047_788_015L,
                        -153_722_867_280_912L,
                        -9_223_372_036_854_775L),
                new Accepted(
                        "106751991167d",
                        106_751_991_167L * 86_400_000L,
                        106_751_991_167L,
                        106_751_991_167L * 24,
                        106_751_991_167L * 1440,
                        106_751_991_167L * 86400));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void parsesUnitsAndTruncatesConversionsTowardZero(Accepted c) {
        Duration d = Duration.parse(c.input());
        assertThat(d.millis()).isEqualTo(c.millis());
        assertThat(d.toMilliseconds()).isEqualTo(c.millis());
        assertThat(d.toDays()).isEqualTo(c.days());
        assertThat(d.toHours()).isEqualTo(c.hours());
        assertThat(d.toMinutes()).isEqualTo(c.minutes());
        assertThat(d.toSeconds()).isEqualTo(c.seconds());
    }

    static Stream<Rejected> rejected() {
        return Stream.of(
                new Rejected("", "quantity-unit pairs"),
                new Rejected("-", "quantity-unit pairs"),
                new Rejected("1h1d", "quantity-unit pairs"),
                new Rejected("1d1d", "quantity-unit pairs"),
                new Rejected("1ms1s", "quantity-unit pairs"),
                new Rejected("1D", "quantity-unit pairs"),
                new Rejected("+1ms", "quantity-unit pairs"),
                new Rejected("1s1", "quantity-unit pairs"),
                new Rejected("d", "quantity-unit pairs"),
                new Rejected("1 d", "quantity-unit pairs"),
                new Rejected("--1d", "quantity-unit pairs"),
                new Rejected("1.5h", "quantity-unit pairs"),
                new Rejected("9223372036854775808ms", "overflows"),
                new Rejected("-9223372036854775809ms", "overflows"),
                new Rejected("106751991168d", "overflows"),
                new Rejected("18446744073709551616ms", "overflows"),
                new Rejected("1d18446744073709551616ms", "overflows"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectsWhatTheReferenceRejects(Rejected c) {
        assertThatThrownBy(() -> Duration.parse(c.input()))
                .isInstanceOf(ExtensionException.class)
                .hasMessageContaining("\"" + c.input() + "\"")
                .hasMessageContaining(c.rule());
    }

    @Property
    void toStringParsesBackToAnEqualValue(@ForAll long millis) {
        Duration d = new Duration(millis);
        assertThat(Duration.parse(d.toString())).isEqualTo(d);
    }

    @Property
    void orderingIsConsistentWithEquals(@ForAll long a, @ForAll long b) {
        Duration x = new Duration(a);
        Duration y = new Duration(b);
        assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
        assertThat(Integer.signum(x.compareTo(y))).isEqualTo(-Integer.signum(y.compareTo(x)));
    }
}

package dev.mandate.cedar.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class DecimalTest {
    record Accepted(String input, long unscaled, String canonical) {}

    record Rejected(String input, String rule) {}

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("1.0", 10_000, "1.0"),
                new Accepted("1.0000", 10_000, "1.0"),
                new Accepted("0123.0", 1_230_000, "123.0"),
                new Accepted("-0.5", -5_000, "-0.5"),
                new Accepted("-0.0", 0, "0.0"),
                new Accepted("00.000", 0, "0.0"),
                new Accepted("1.0023", 10_023, "1.0023"),
                new Accepted("-123.4560", -1_234_560, "-123.456"),
                new Accepted("922337203685477.5807", Long.MAX_VALUE, "922337203685477.5807"),
                new Accepted("-922337203685477.5808", Long.MIN_VALUE, "-922337203685477.5808"),
                new Accepted("00000000000000000000001.0", 10_000, "1.0"));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void parsesFixedPointWithFourDigits(Accepted c) {
        Decimal d = Decimal.parse(c.input());
        assertThat(d.unscaled()).isEqualTo(c.unscaled());
        assertThat(d).hasToString(c.canonical());
        assertThat(Decimal.parse(c.canonical())).isEqualTo(d);
    }

    static Stream<Rejected> rejected() {
        return Stream.of(
                new Rejected("1234", "expected an optional '-'"),
                new Rejected("1.", "expected an optional '-'"),
                new Rejected(".1", "expected an optional '-'"),
                new Rejected("-.1", "expected an optional '-'"),
                new Rejected("-", "expected an optional '-'"),
                new Rejected("1.0.", "expected an optional '-'"),
                new Rejected("1.a", "expected an optional '-'"),
                new Rejected("+1.0", "expected an optional '-'"),
                new Rejected("1.0 ", "expected an optional '-'"),
                new Rejected("1e3.0", "expected an optional '-'"),
                new Rejected("٣.0", "expected an optional '-'"),
                new Rejected("0.12345", "5 digits after the '.', at most 4"),
                new Rejected("0.00000", "5 digits after the '.', at most 4"),
                new Rejected("1000000000000000.0", "overflows"),
                new Rejected("922337203685477.5808", "overflows"),
                new Rejected("-922337203685477.5809", "overflows"),
                new Rejected("99999999999999999999.0", "overflows"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectsWhatTheReferenceRejects(Rejected c) {
        assertThatThrownBy(() -> Decimal.parse(c.input()))
                .isInstanceOf(ExtensionException.class)
                .hasMessageContaining("\"" + c.input() + "\"")
                .hasMessageContaining(c.rule());
    }

    @Property
    void toStringParsesBackToAnEqualValue(@ForAll long unscaled) {
        Decimal d = new Decimal(unscaled);
        assertThat(Decimal.parse(d.toString())).isEqualTo(d);
    }

    @Property
    void orderingIsConsistentWithEquals(@ForAll long a, @ForAll long b) {
        Decimal x = new Decimal(a);
        Decimal y = new Decimal(b);
        assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
        assertThat(x.lessThan(y)).isEqualTo(x.compareTo(y) < 0);
        assertThat(x.lessThanOrEqual(y)).isEqualTo(x.compareTo(y) <= 0);
        assertThat(x.greaterThan(y)).isEqualTo(x.compareTo(y) > 0);
        assertThat(x.greaterThanOrEqual(y)).isEqualTo(x.compareTo(y) >= 0);
        assertThat(Integer.signum(x.compareTo(y))).isEqualTo(-Integer.signum(y.compareTo(x)));
    }
}

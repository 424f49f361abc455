package dev.mandate.cedar.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class DatetimeTest {
    record Accepted(String input, String instant) {}

    record Rejected(String input, String rule) {}

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("2024-10-15", "2024-10-15T00:00:00Z"),
                new Accepted("2024-10-15T11:38:02Z", "2024-10-15T11:38:02Z"),
                new Accepted("2024-10-15T11:38:02.101Z", "2024-10-15T11:38:02.101Z"),
                new Accepted("2024-10-15T11:38:02.101+1134", "2024-10-15T00:04:02.101Z"),
                new Accepted("2024-10-15T11:38:02.101-1134", "2024-10-15T23:12:02.101Z"),
                new Accepted("2024-10-15T23:59:00+2359", "2024-10-15T00:00:00Z"),
                new Accepted("2024-10-15T00:00:00-2359", "2024-10-15T23:59:00Z"),
                new Accepted("2024-02-29", "2024-02-29T00:00:00Z"),
                new Accepted("2000-02-29", "2000-02-29T00:00:00Z"),
                new Accepted("0000-01-01", "0000-01-01T00:00:00Z"),
                new Accepted("0000-01-01T00:00:00+0001", "-0001-12-31T23:59:00Z"),
                new Accepted("9999-12-31T23:59:59.999-2359", "+10000-01-01T23:58:59.999Z"),
                new Accepted("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void parsesTheFiveReferenceForms(Accepted c) {
        Datetime d = Datetime.parse(c.input());
        assertThat(d.epochMillis()).isEqualTo(Instant.parse(c.instant()).toEpochMilli());
    }

    static Stream<Rejected> rejected() {
        return Stream.of(
                new Rejected("", "must start with a date"),
                new Rejected("11-12-13", "must start with a date"),
                new Rejected("1111-1x-20", "must start with a date"),
                new Rejected("10000-01-01", "must start with a date"),
                new Rejected("+2024-01-01", "must start with a date"),
                new Rejected("2024-00-01", "does not exist"),
                new Rejected("2024-01-00", "does not exist"),
                new Rejected("2024-02-30", "does not exist"),
                new Rejected("2025-02-29", "does not exist"),
                new Rejected("1900-02-29", "does not exist"),
                new Rejected("2024-04-31", "does not exist"),
                new Rejected("2024-13-01", "does not exist"),
                new Rejected("2024-10-15Z", "followed by Thh:mm:ss"),
                new Rejected("2024-01-01T", "followed by Thh:mm:ss"),
                new Rejected("2024-01-01t00:00:00Z", "followed by Thh:mm:ss"),
                new Rejected("2024-01-01T01:02", "followed by Thh:mm:ss"),
                new Rejected("2024-01-01 00:00:00Z", "followed by Thh:mm:ss"),
                new Rejected("2024-01-01T00:00:00", "must end with Z"),
                new Rejected("2024-01-01T00:00:00ZZ", "must end with Z"),
                new Rejected("2024-01-01T00:00:00z", "must end with Z"),
                new Rejected("2024-01-01T00:00:00.1Z", "must end with Z"),
                new Rejected("2024-01-01T00:00:00.1234Z", "must end with Z"),
                new Rejected("2024-01-01T00:00:00+01:00", "must end with Z"),
                new Rejected("2024-01-01T00:00:00+01", "must end with Z"),
                new Rejected("2024-01-01T24:00:00Z", "hour must be below 24"),
                new Rejected("2024-01-01T01:60:03Z", "hour must be below 24"),
                new Rejected("2016-12-31T23:59:60Z", "hour must be below 24"),
                new Rejected("2024-01-01T00:00:00+2400", "offset's hours must be below 24"),
                new Rejected("2024-01-01T00:00:00-0060", "offset's hours must be below 24"),
                new Rejected("2024-02-30T00:00:00+2400", "does not exist"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectsWhatTheReferenceRejects(Rejected c) {
        assertThatThrownBy(() -> Datetime.parse(c.input()))
                .isInstanceOf(ExtensionException.class)
                .hasMessageContaining("\"" + c.input() + "\"")
                .hasMessageContaining(c.rule());
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void dateAndTimeSplitAnInstantAtUtcMidnight(Accepted c) {
        Datetime d = Datetime.parse(c.input());
        assertThat(d.toDate().offset(d.toTime())).isEqualTo(d);
        assertThat(d.toTime().millis()).isBetween(0L, 86_399_999L);
        assertThat(d.toDate().toTime().millis()).isZero();
    }

    @org.junit.jupiter.api.Test
    void arithmeticOverflowIsAnError() {
        Datetime max = new Datetime(Long.MAX_VALUE);
        Datetime min = new Datetime(Long.MIN_VALUE);
        assertThatThrownBy(() -> max.offset(new Duration(1)))
                .isInstanceOf(ExtensionException.class)
                .hasMessageContaining("overflows");
        assertThatThrownBy(() -> min.offset(new Duration(-1))).isInstanceOf(ExtensionException.class);
        assertThatThrownBy(() -> min.durationSince(Datetime.parse("1970-01-02")))
                .isInstanceOf(ExtensionException.class);
        assertThatThrownBy(min::toDate).isInstanceOf(ExtensionException.class).hasMessageContaining("below");
        assertThat(min.toTime().millis()).isEqualTo(Math.floorMod(Long.MIN_VALUE, 86_400_000L));
        assertThat(Datetime.parse("2024-01-01T00:00:00.123-0130").durationSince(Datetime.parse("2024-01-01")))
                .isEqualTo(Duration.parse("1h30m123ms"));
        assertThat(min).hasToString("datetime(\"1970-01-01\").offset(duration(\"-9223372036854775808ms\"))");
    }

    /** 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, the instants a literal can name. */
    @Property
    void toStringParsesBackToAnEqualValue(
            @ForAll @LongRange(min = -62_167_219_200_000L, max = 253_402_300_799_999L) long millis) {
        Datetime d = new Datetime(millis);
        assertThat(Datetime.parse(d.toString())).isEqualTo(d);
    }

    @Property
    void orderingIsConsistentWithEquals(@ForAll long a, @ForAll long b) {
        Datetime x = new Datetime(a);
        Datetime y = new Datetime(b);
        assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
        assertThat(Integer.signum(x.compareTo(y))).isEqualTo(-Integer.signum(y.compareTo(x)));
    }
}

package dev.mandate.cedar.extension;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A Cedar {@code datetime} value: milliseconds since 1970-01-01T00:00:00Z (no leap seconds), signed 64-bit.
 * Arithmetic that leaves the 64-bit range fails rather than wrapping.
 *
 * @param epochMillis milliseconds since the Unix epoch
 */
public record Datetime(long epochMillis) implements Comparable<Datetime> {
    private static final long DAY_MILLIS = 86_400_000L;
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the range {@link #toString} writes as a date. */
    private static final long MIN_TEXT = LocalDate.of(0, 1, 1).toEpochDay() * DAY_MILLIS;

    private static final long MAX_TEXT = LocalDate.of(10_000, 1, 1).toEpochDay() * DAY_MILLIS - 1;

    /**
     * Parses what Cedar's {@code datetime("...")} accepts: {@code YYYY-MM-DD}, optionally followed by
     * {@code Thh:mm:ss}, an optional {@code .SSS}, and {@code Z} or an offset {@code +hhmm}/{@code -hhmm}
     * (hours below 24, minutes below 60). The date must exist in the proleptic Gregorian calendar (years
     * 0000 to 9999); hours are below 24, minutes and seconds below 60.
     *
     * @param text the literal
     * @return the value
     * @throws ExtensionException naming the part of {@code text} that breaks the format
     */
    public static Datetime parse(String text) {
        ExtensionException.checkLength("datetime", text);
        if (!(text.length() >= 10
                && digits(text, 0, 4)
                && text.charAt(4) == '-'
                && digits(text, 5, 7)
                && text.charAt(7) == '-'
                && digits(text, 8, 10))) {
            throw bad(text, "it must start with a date YYYY-MM-DD");
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 7);
        int day = number(text, 8, 10);
        if (text.length() == 10) {
            return new Datetime(date(text, year, month, day).toEpochDay() * DAY_MILLIS);
        }
        if (!(text.length() >= 19
                && text.charAt(10) == 'T'
                && digits(text, 11, 13)
                && text.charAt(13) == ':'
                && digits(text, 14, 16)
                && text.charAt(16) == ':'
                && digits(text, 17, 19))) {
            throw bad(text, "the date must be followed by Thh:mm:ss");
        }
        int pos = 19;
        int millis = 0;
        if (text.length() >= 23 && text.charAt(19) == '.' && digits(text, 20, 23)) {
            millis = number(text, 20, 23);
            pos = 23;
        }
        int offsetSign = 0;
        int offsetHours = 0;
        int offsetMinutes = 0;
        if (text.length() == pos + 1 && text.charAt(pos) == 'Z') {
            // UTC
        } else if (text.length() == pos + 5
                && (text.charAt(pos) == '+' || text.charAt(pos) == '-')
                && digits(text, pos + 1, pos + 5)) {
            offsetSign = text.charAt(pos) == '+' ? 1 : -1;
            offsetHours = number(text, pos + 1, pos + 3);
            offsetMinutes = number(text, pos + 3, pos + 5);
        } else {
            throw bad(text, "the time must end with Z, .SSSZ, (+|-)hhmm or .SSS(+|-)hhmm");
        }
        LocalDate date = date(text, year, month, day);
        int hour = number(text, 11, 13);
        int minute = number(text, 14, 16);
        int second = number(text, 17, 19);
        if (hour > 23 || minute > 59 || second > 59) {
            throw bad(text, "hour must be below 24, minute and second below 60 (no leap seconds)");
        }
        if (offsetHours > 23 || offsetMinutes > 59) {
            throw bad(text, "the UTC offset's hours must be below 24 and its minutes below 60");
        }
        long offsetMillis = offsetSign * (offsetHours * 3_600_000L + offsetMinutes * 60_000L);
        long localMillis =
                date.toEpochDay() * DAY_MILLIS + hour * 3_600_000L + minute * 60_000L + second * 1_000L + millis;
        return new Datetime(localMillis - offsetMillis);
    }

    private static LocalDate date(String text, int year, int month, int day) {
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw bad(text, "the date " + text.substring(0, 10) + " does not exist");
        }
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
    }

    private static ExtensionException bad(String text, String rule) {
        return new ExtensionException("invalid datetime literal \"" + text + "\": " + rule);
    }

    /**
     * Cedar's {@code offset}: this instant moved by {@code duration}.
     *
     * @param duration how far to move, negative for the past
     * @return the moved instant
     * @throws ExtensionException if the result leaves the 64-bit millisecond range
     */
    public Datetime offset(Duration duration) {
        try {
            return new Datetime(Math.addExact(epochMillis, duration.millis()));
        } catch (ArithmeticException e) {
            throw new ExtensionException(
                    "datetime " + this + " offset by " + duration + " overflows the signed 64-bit millisecond range");
        }
    }

    /**
     * Cedar's {@code durationSince}: the time from {@code other} to this instant.
     *
     * @param other the earlier (or later) instant
     * @return {@code this - other}
     * @throws ExtensionException if the difference leaves the 64-bit millisecond range
     */
    public Duration durationSince(Datetime other) {
        try {
            return new Duration(Math.subtractExact(epochMillis, other.epochMillis));
        } catch (ArithmeticException e) {
            throw new ExtensionException("the duration from datetime " + other + " to " + this
                    + " overflows the signed 64-bit millisecond range");
        }
    }

    /**
     * Cedar's {@code toDate}: midnight UTC of this instant's day.
     *
     * @return the start of the UTC day
     * @throws ExtensionException if that midnight is below the 64-bit millisecond range
     */
    public Datetime toDate() {
        try {
            return new Datetime(Math.subtractExact(epochMillis, Math.floorMod(epochMillis, DAY_MILLIS)));
        } catch (ArithmeticException e) {
            throw new ExtensionException(
                    "the date of datetime " + this + " is below the signed 64-bit millisecond range");
        }
    }

    /**
     * Cedar's {@code toTime}: the time since midnight UTC of this instant's day.
     *
     * @return a duration from 0 inclusive to one day exclusive
     */
    public Duration toTime() {
        return new Duration(Math.floorMod(epochMillis, DAY_MILLIS));
    }

    /**
     * Orders chronologically.
     *
     * @param other the value to compare with
     * @return negative, zero or positive as this is before, at or after {@code other}
     */
    @Override
    public int compareTo(Datetime other) {
        return Long.compare(epochMillis, other.epochMillis);
    }

    /**
     * Returns {@code YYYY-MM-DDThh:mm:ss.SSSZ}, which {@link #parse} maps back, for instants in the years 0000
     * to 9999; outside them (reachable only through {@link #offset}) the reference's canonical expression
     * {@code datetime("1970-01-01").offset(duration("<millis>ms"))}.
     */
    @Override
    public String toString() {
        if (epochMillis < MIN_TEXT || epochMillis > MAX_TEXT) {
            return "datetime(\"1970-01-01\").offset(duration(\"" + epochMillis + "ms\"))";
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(
                Math.floorDiv(epochMillis, 1000), Math.floorMod(epochMillis, 1000) * 1_000_000, ZoneOffset.UTC);
        return String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                t.getYear(),
                t.getMonthValue(),
                t.getDayOfMonth(),
                t.getHour(),
                t.getMinute(),
                t.getSecond(),
                t.getNano() / 1_000_000);
    }
}

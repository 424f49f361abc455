package dev.mandate.cedar.extension;

import java.math.BigInteger;

/**
 * A Cedar {@code duration} value: a signed number of milliseconds that fits 64 bits.
 *
 * @param millis the length in milliseconds, negative for a duration into the past
 */
public record Duration(long millis) implements Comparable<Duration> {
    private static final String[] UNITS = {"d", "h", "m", "s", "ms"};
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /**
     * Parses what Cedar's {@code duration("...")} accepts: an optional {@code -}, then one or more
     * quantity-unit pairs like {@code 1d2h3m4s5ms}, units in the order {@code d h m s ms}, each at most once;
     * a lone {@code -} or empty text is rejected.
     *
     * @param text the literal
     * @return the value
     * @throws ExtensionException if the text does not follow the pattern, or the total overflows 64 bits
     */
    public static Duration parse(String text) {
        ExtensionException.checkLength("duration", text);
        boolean negative = text.startsWith("-");
        int pos = negative ? 1 : 0;
        if (pos == text.length()) {
            throw pattern(text);
        }
        BigInteger total = BigInteger.ZERO;
        boolean overflow = false;
        int nextUnit = 0;
        while (pos < text.length()) {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == start || pos == text.length()) {
                throw pattern(text);
            }
            BigInteger quantity = new BigInteger(text.substring(start, pos));
            int unit = unitAt(text, pos);
            if (unit < nextUnit) {
                throw pattern(text);
            }
            pos += UNITS[unit].length();
            nextUnit = unit + 1;
            // The reference reads each quantity as an unsigned 64-bit number before scaling.
            overflow |= quantity.compareTo(U64_MAX) > 0;
            total = total.add(quantity.multiply(BigInteger.valueOf(UNIT_MILLIS[unit])));
        }
        if (negative) {
            total = total.negate();
        }
        if (overflow || total.bitLength() > 63) {
            throw new ExtensionException("duration literal \"" + text
                    + "\" overflows: the total in milliseconds must fit a signed 64-bit integer");
        }
        return new Duration(total.longValueExact());
    }

    /** Index into {@link #UNITS} of the unit at {@code pos}, or -1 (which is below any {@code nextUnit}). */
    private static int unitAt(String text, int pos) {
        return switch (text.charAt(pos)) {
            case 'd' -> 0;
            case 'h' -> 1;
            case 'm' -> pos + 1 < text.length() && text.charAt(pos + 1) == 's' ? 4 : 2;
            case 's' -> 3;
            default -> -1;
        };
    }

    private static ExtensionException pattern(String text) {
        return new ExtensionException("invalid duration literal \"" + text
                + "\": expected an optional '-' and quantity-unit pairs in the order d, h, m, s, ms (like 1d2h or"
                + " -30m15s), each unit at most once");
    }

    /**
     * Cedar's {@code toMilliseconds}.
     *
     * @return the length in milliseconds
     */
    public long toMilliseconds() {
        return millis;
    }

    /**
     * Cedar's {@code toSeconds}: whole seconds, truncated toward zero.
     *
     * @return the length in seconds
     */
    public long toSeconds() {
        return millis / 1000;
    }

    /**
     * Cedar's {@code toMinutes}: whole minutes, truncated toward zero.
     *
     * @return the length in minutes
     */
    public long toMinutes() {
        return toSeconds() / 60;
    }

    /**
     * Cedar's {@code toHours}: whole hours, truncated toward zero.
     *
     * @return the length in hours
     */
    public long toHours() {
        return toMinutes() / 60;
    }

    /**
     * Cedar's {@code toDays}: whole days, truncated toward zero.
     *
     * @return the length in days
     */
    public long toDays() {
        return toHours() / 24;
    }

    /**
     * Orders by length.
     *
     * @param other the value to compare with
     * @return negative, zero or positive as this is shorter than, as long as or longer than {@code other}
     */
    @Override
    public int compareTo(Duration other) {
        return Long.compare(millis, other.millis);
    }

    /** Returns the reference's canonical text, {@code <millis>ms}, which {@link #parse} maps back. */
    @Override
    public String toString() {
        return millis + "ms";
    }
}

package dev.mandate.cedar.extension;

/**
 * A Cedar {@code decimal} value: a signed fixed-point number with four fractional digits, held as the 64-bit
 * integer {@code value * 10^4}. Ordering is numeric; {@code 1.0} and {@code 1.0000} are equal.
 *
 * @param unscaled the number times 10,000
 */
public record Decimal(long unscaled) implements Comparable<Decimal> {
    /** The number of fractional digits Cedar keeps. */
    public static final int MAX_FRACTION_DIGITS = 4;

    private static final long SCALE = 10_000L;

    /**
     * Parses what Cedar's {@code decimal("...")} accepts: an optional {@code -}, at least one ASCII digit, a
     * {@code .}, and one to four ASCII digits; the value times 10^4 must fit a signed 64-bit integer.
     *
     * @param text the literal
     * @return the value
     * @throws ExtensionException if the text is malformed, has more than four fractional digits, or overflows
     */
    public static Decimal parse(String text) {
        ExtensionException.checkLength("decimal", text);
        int dot = text.indexOf('.');
        boolean negative = text.startsWith("-");
        int intStart = negative ? 1 : 0;
        if (dot < 0
                || dot == intStart
                || dot == text.length() - 1
                || !asciiDigits(text, intStart, dot)
                || !asciiDigits(text, dot + 1, text.length())) {
            throw new ExtensionException("invalid decimal literal \"" + text
                    + "\": expected an optional '-', digits, '.', and digits (like 12.34 or -0.5)");
        }
        int fractionDigits = text.length() - dot - 1;
        if (fractionDigits > MAX_FRACTION_DIGITS) {
            throw new ExtensionException("invalid decimal literal \"" + text + "\": " + fractionDigits
                    + " digits after the '.', at most " + MAX_FRACTION_DIGITS + " are allowed");
        }
        try {
            long integer = Long.parseLong(text.substring(0, dot));
            long fraction = Long.parseLong(text.substring(dot + 1));
            for (int i = fractionDigits; i < MAX_FRACTION_DIGITS; i++) {
                fraction *= 10;
            }
            long scaled = Math.multiplyExact(integer, SCALE);
            return new Decimal(negative ? Math.subtractExact(scaled, fraction) : Math.addExact(scaled, fraction));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ExtensionException("decimal literal \"" + text
                    + "\" overflows: the value times 10^4 must fit a signed 64-bit integer");
        }
    }

    private static boolean asciiDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares numerically.
     *
     * @param other the value to compare with
     * @return negative, zero or positive as this is less than, equal to or greater than {@code other}
     */
    @Override
    public int compareTo(Decimal other) {
        return Long.compare(unscaled, other.unscaled);
    }

    /**
     * Cedar's {@code lessThan}.
     *
     * @param other the right operand
     * @return {@code this < other}
     */
    public boolean lessThan(Decimal other) {
        return unscaled < other.unscaled;
    }

    /**
     * Cedar's {@code lessThanOrEqual}.
     *
     * @param other the right operand
     * @return {@code this <= other}
     */
    public boolean lessThanOrEqual(Decimal other) {
        return unscaled <= other.unscaled;
    }

    /**
     * Cedar's {@code greaterThan}.
     *
     * @param other the right operand
     * @return {@code this > other}
     */
    public boolean greaterThan(Decimal other) {
        return unscaled > other.unscaled;
    }

    /**
     * Cedar's {@code greaterThanOrEqual}.
     *
     * @param other the right operand
     * @return {@code this >= other}
     */
    public boolean greaterThanOrEqual(Decimal other) {
        return unscaled >= other.unscaled;
    }

    /** Returns the shortest text {@link #parse} maps back to this value, like {@code -0.5} or {@code 12.0}. */
    @Override
    public String toString() {
        long integer = Math.abs(unscaled / SCALE);
        long fraction = Math.abs(unscaled % SCALE);
        StringBuilder digits = new StringBuilder(Long.toString(SCALE + fraction).substring(1));
        while (digits.length() > 1 && digits.charAt(digits.length() - 1) == '0') {
            digits.setLength(digits.length() - 1);
        }
        return (unscaled < 0 ? "-" : "") + integer + "." + digits;
    }
}

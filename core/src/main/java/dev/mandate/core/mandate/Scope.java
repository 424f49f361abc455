package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Validation of the names a mandate's sets hold (tools, resources, labels) and of purposes. */
public final class Scope {
    /** The most names in one set of a mandate. */
    public static final int MAX_ITEMS = 256;

    /** The longest name. */
    public static final int MAX_NAME_LENGTH = 512;

    /** The label ceiling that allows every label. */
    public static final String ANY_LABEL = "*";

    private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e]{1," + MAX_NAME_LENGTH + "}");
    private static final Pattern PURPOSE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");

    private Scope() {}

    /**
     * Validates and copies a set of names: printable ASCII without spaces, at most {@value #MAX_ITEMS} of them.
     *
     * @param what what the set is, for messages (e.g. {@code tools})
     * @param names the names
     * @return a sorted, unmodifiable copy
     * @throws MandateException with {@code BAD_REQUEST} naming the bad value and the rule
     */
    public static SortedSet<String> names(String what, Collection<String> names) {
        if (names.size() > MAX_ITEMS) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    what + " has " + names.size() + " entries; at most " + MAX_ITEMS + " allowed");
        }
        TreeSet<String> out = new TreeSet<>();
        for (String n : names) {
            if (!NAME.matcher(n).matches()) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST,
                        "invalid entry '" + abbreviate(n) + "' in " + what + ": 1-" + MAX_NAME_LENGTH
                                + " printable ASCII characters without spaces");
            }
            out.add(n);
        }
        return Collections.unmodifiableSortedSet(out);
    }

    /**
     * Validates a purpose: a letter or digit, then up to 127 of letters, digits, {@code . _ : / -}.
     *
     * @param purpose the purpose
     * @return the purpose
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the rule
     */
    public static String purpose(String purpose) {
        if (!PURPOSE.matcher(purpose).matches()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "invalid purpose '" + abbreviate(purpose)
                            + "': a letter or digit, then up to 127 of letters, digits, . _ : / -");
        }
        return purpose;
    }

    /**
     * Tells whether a label set fits under a ceiling ({@value #ANY_LABEL} in the ceiling allows everything).
     *
     * @param labels the labels
     * @param ceiling the ceiling
     * @return true if every label is allowed
     */
    public static boolean withinCeiling(Collection<String> labels, Collection<String> ceiling) {
        return ceiling.contains(ANY_LABEL) || ceiling.containsAll(labels);
    }

    static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}

package dev.mandate.core.flow;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Locale;

/** How sensitive data is, totally ordered: {@code public < internal < confidential < restricted}. */
public enum Sensitivity {
    /** Anyone may see it. */
    PUBLIC,
    /** Inside the organisation only. */
    INTERNAL,
    /** A need-to-know audience. */
    CONFIDENTIAL,
    /** The most sensitive data: named people only. */
    RESTRICTED;

    /**
     * Returns the higher of this and {@code other}.
     *
     * @param other another sensitivity
     * @return the least upper bound of the two
     */
    public Sensitivity join(Sensitivity other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /**
     * Returns the name as written in configuration and policies.
     *
     * @return e.g. {@code confidential}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @param text e.g. {@code internal}
     * @return the sensitivity
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the allowed names
     */
    public static Sensitivity parse(String text) {
        for (Sensitivity s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new MandateException(
                ErrorCode.BAD_REQUEST,
                "unknown sensitivity '" + text + "': expected public, internal, confidential or restricted");
    }
}

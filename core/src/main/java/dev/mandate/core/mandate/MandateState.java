package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Locale;

/** Where a mandate is in its life. Only {@link #ACTIVE} is live; the others are final. */
public enum MandateState {
    /** Live until it expires, is closed or revoked. */
    ACTIVE,
    /** Its task ended (or an ancestor's did). */
    CLOSED,
    /** Taken away: by an admin, a kill switch, or the revocation of an ancestor. */
    REVOKED,
    /** Its lifetime ran out. */
    EXPIRED;

    /**
     * Returns the name used on the wire and in the store.
     *
     * @return e.g. {@code active}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @param text e.g. {@code revoked}
     * @return the state
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the accepted names
     */
    public static MandateState parse(String text) {
        for (MandateState s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new MandateException(
                ErrorCode.BAD_REQUEST,
                "unknown mandate state '" + text + "': expected active, closed, revoked or expired");
    }
}

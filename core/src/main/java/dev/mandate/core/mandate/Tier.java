package dev.mandate.core.mandate;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Locale;

/** An agent's autonomy tier: how much a human is in the loop. */
public enum Tier {
    /** A human reviews what the agent does. */
    COPILOT,
    /** The agent acts on its own. */
    AUTONOMOUS;

    /**
     * Parses a tier name as written in configuration and on the wire: {@code copilot} or {@code autonomous}.
     *
     * @param text the name
     * @return the tier
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the accepted names
     */
    public static Tier parse(String text) {
        for (Tier t : values()) {
            if (t.wireName().equals(text)) {
                return t;
            }
        }
        throw new MandateException(
                ErrorCode.BAD_REQUEST, "unknown tier '" + text + "': expected one of copilot, autonomous");
    }

    /**
     * Returns the name used in configuration and on the wire.
     *
     * @return {@code copilot} or {@code autonomous}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

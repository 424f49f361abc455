package dev.mandate.core.identity;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Locale;

/** Whether a registered agent may authenticate and hold mandates. */
public enum AgentStatus {
    /** The agent may get SVIDs and mandates. */
    ACTIVE,
    /** The agent is switched off: no new SVIDs, no mandates; existing ones must be refused. */
    DISABLED;

    /**
     * Parses {@code active} or {@code disabled}.
     *
     * @param text the wire name
     * @return the status
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the accepted names
     */
    public static AgentStatus parse(String text) {
        for (AgentStatus s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new MandateException(
                ErrorCode.BAD_REQUEST, "unknown agent status '" + text + "': expected one of active, disabled");
    }

    /**
     * Returns the name used on the wire and in the store.
     *
     * @return {@code active} or {@code disabled}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

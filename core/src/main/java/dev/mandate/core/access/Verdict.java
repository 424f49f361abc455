package dev.mandate.core.access;

import java.util.Locale;

/** What the analysis concludes for one agent, purpose and target. */
public enum Verdict {
    /** Allowed in every context tried. */
    ALLOWED,
    /** Allowed in some contexts only: the explanation names the conditions. */
    CONDITIONAL,
    /** Allowed in no context tried. */
    NEVER;

    /**
     * Returns the name used in JSON and on the command line.
     *
     * @return lower case
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

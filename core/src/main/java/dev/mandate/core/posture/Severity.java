package dev.mandate.core.posture;

import java.util.Locale;

/** How urgent a finding is, most urgent first. */
public enum Severity {
    /** Exploitable now: fix before anything else. */
    CRITICAL,
    /** A standing weakness that widens a breach. */
    HIGH,
    /** Hygiene that erodes control over time. */
    MEDIUM,
    /** Worth tidying. */
    LOW;

    /**
     * Returns the name used in JSON and tables.
     *
     * @return lower case
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

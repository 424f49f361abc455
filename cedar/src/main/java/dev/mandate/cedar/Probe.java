package dev.mandate.cedar;

import org.jspecify.annotations.Nullable;

/** Placeholder. */
public final class Probe {
    private Probe() {}

    /**
     * Returns the length.
     *
     * @param s text
     * @return length
     */
    public static int len(@Nullable String s) {
        return s == null ? 0 : s.length();
    }
}

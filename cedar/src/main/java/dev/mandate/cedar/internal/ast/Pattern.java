package dev.mandate.cedar.internal.ast;

/** A {@code like} pattern: literal code points with wildcards. */
public final class Pattern {
    private final int[] codePoints;
    private final boolean[] wildcard;

    /**
     * Creates a pattern.
     *
     * @param codePoints the pattern's code points
     * @param wildcard true where the pattern has an unescaped {@code *}; same length as {@code codePoints}
     */
    public Pattern(int[] codePoints, boolean[] wildcard) {
        this.codePoints = codePoints.clone();
        this.wildcard = wildcard.clone();
    }

    /**
     * Tells whether the whole text matches, where a wildcard matches any run of code points.
     *
     * @param text the text
     * @return true on a match
     */
    public boolean matches(String text) {
        int[] s = text.codePoints().toArray();
        int si = 0;
        int pi = 0;
        int starP = -1;
        int starS = 0;
        while (si < s.length) {
            if (pi < codePoints.length && !wildcard[pi] && codePoints[pi] == s[si]) {
                si++;
                pi++;
            } else if (pi < codePoints.length && wildcard[pi]) {
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < codePoints.length && wildcard[pi]) {
            pi++;
        }
        return pi == codePoints.length;
    }

    @Override
    public boolean equals(@org.jspecify.annotations.Nullable Object o) {
        return o instanceof Pattern p
                && java.util.Arrays.equals(codePoints, p.codePoints)
                && java.util.Arrays.equals(wildcard, p.wildcard);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(codePoints) * 31 + java.util.Arrays.hashCode(wildcard);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < codePoints.length; i++) {
            if (wildcard[i]) {
                b.append('*');
            } else if (codePoints[i] == '*') {
                b.append("\\*");
            } else {
                b.appendCodePoint(codePoints[i]);
            }
        }
        return b.toString();
    }
}

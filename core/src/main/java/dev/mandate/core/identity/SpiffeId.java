package dev.mandate.core.identity;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain>/<path>}, validated per the SPIFFE-ID specification: lower-case trust
 * domain of letters, digits, dots, dashes and underscores; a non-empty path of segments made of letters, digits, dots,
 * dashes and underscores, none of them {@code .} or {@code ..}; no query, fragment, port or user info.
 *
 * @param trustDomain the trust domain name, e.g. {@code mandate.local}
 * @param path the path including its leading slash, e.g. {@code /agent/support-bot}
 */
public record SpiffeId(String trustDomain, String path) {
    /** The longest SPIFFE ID accepted, per the specification's 2048-byte limit. */
    public static final int MAX_LENGTH = 2048;

    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    /** Validates both parts. */
    public SpiffeId {
        if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw bad(trustDomain, "the trust domain must be 1-255 characters of a-z 0-9 . - _");
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw bad(path, "the path must start with '/'");
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw bad(path, "each path segment must be non-empty, of A-Z a-z 0-9 . - _, and not '.' or '..'");
            }
        }
    }

    /**
     * Parses a SPIFFE ID.
     *
     * @param text the ID, e.g. {@code spiffe://mandate.local/agent/support-bot}
     * @return the ID
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the rule it broke
     */
    public static SpiffeId parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw bad(text.substring(0, 64) + "...", "a SPIFFE ID is at most " + MAX_LENGTH + " characters");
        }
        if (!text.startsWith("spiffe://")) {
            throw bad(text, "a SPIFFE ID starts with 'spiffe://'");
        }
        String rest = text.substring("spiffe://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw bad(text, "a workload SPIFFE ID needs a path after the trust domain");
        }
        return new SpiffeId(rest.substring(0, slash), rest.substring(slash));
    }

    /**
     * Returns the ID of an agent in a trust domain: {@code spiffe://<trustDomain>/agent/<name>}.
     *
     * @param trustDomain the trust domain
     * @param name the agent's name
     * @return the agent's SPIFFE ID
     * @throws MandateException with {@code BAD_REQUEST} if the name is not a valid path segment
     */
    public static SpiffeId agent(String trustDomain, String name) {
        return new SpiffeId(trustDomain, "/agent/" + name);
    }

    @Override
    public String toString() {
        return "spiffe://" + trustDomain + path;
    }

    private static MandateException bad(String value, String rule) {
        return new MandateException(ErrorCode.BAD_REQUEST, "invalid SPIFFE ID '" + value + "': " + rule);
    }
}

package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.regex.Pattern;

/**
 * A namespaced tool name as agents see it through the gateway: {@code <server>.<tool>}, where {@code server} is the
 * upstream's configured name and {@code tool} the name the upstream gave it. It is also the Cedar action id.
 *
 * @param server the upstream server name: letters, digits, {@code _} and {@code -}
 * @param tool the upstream's own tool name, at most {@value #MAX_TOOL_LENGTH} characters, never empty
 */
public record ToolName(String server, String tool) {
    /** The longest upstream tool name accepted. */
    public static final int MAX_TOOL_LENGTH = 128;

    private static final Pattern SERVER = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Validates both parts. */
    public ToolName {
        if (!SERVER.matcher(server).matches()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "invalid server name '" + server + "': 1-64 characters of A-Z a-z 0-9 _ -");
        }
        if (tool.isEmpty() || tool.length() > MAX_TOOL_LENGTH) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "invalid tool name '" + tool + "': 1-" + MAX_TOOL_LENGTH + " characters");
        }
    }

    /**
     * Parses {@code <server>.<tool>}; the first dot separates the two, so tool names may contain dots.
     *
     * @param text the namespaced name
     * @return the tool name
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the rule
     */
    public static ToolName parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "invalid tool name '" + text + "': expected <server>.<tool>");
        }
        return new ToolName(text.substring(0, dot), text.substring(dot + 1));
    }

    @Override
    public String toString() {
        return server + "." + tool;
    }
}

package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One upstream MCP server the gateway fronts. Its tools appear to agents as {@code <name>.<tool>}. */
public sealed interface UpstreamConfig {
    /**
     * Returns the upstream's name, the namespace of its tools and prompts.
     *
     * @return the name
     */
    String name();

    /**
     * Whether the configuration trusts this upstream's tool hints to seed catalog defaults.
     *
     * @return true if trusted
     */
    boolean trusted();

    /**
     * An upstream reached over MCP Streamable HTTP on this machine.
     *
     * @param name the namespace
     * @param url the MCP endpoint, e.g. {@code http://127.0.0.1:9000/mcp}; only loopback hosts are accepted
     * @param trusted whether its hints seed catalog defaults
     */
    record Http(String name, URI url, boolean trusted) implements UpstreamConfig {
        private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

        /** Checks the name and that the URL is a loopback http(s) URL. */
        public Http {
            checkName(name);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || !LOOPBACK.contains(host)) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "upstream '" + name + "' url '" + url + "': must be an http(s) URL on a loopback host"
                                + " (127.0.0.1, ::1, localhost)");
            }
        }
    }

    /**
     * An upstream the gateway starts as a process and speaks MCP to over stdin/stdout.
     *
     * @param name the namespace
     * @param command the program to run
     * @param args its arguments
     * @param env variables added to its environment
     * @param trusted whether its hints seed catalog defaults
     */
    record Stdio(String name, String command, List<String> args, Map<String, String> env, boolean trusted)
            implements UpstreamConfig {
        /** Checks the name and command, and copies the collections. */
        public Stdio {
            checkName(name);
            if (command.isBlank()) {
                throw new MandateException(ErrorCode.BAD_CONFIG, "upstream '" + name + "': command must not be empty");
            }
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }
    }

    private static void checkName(String name) {
        try {
            new ToolName(name, "x");
        } catch (MandateException e) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "upstream " + e.getMessage(), e);
        }
    }
}

package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
     * Returns the credential injected into this upstream's calls, one lease per mandate, if configured.
     *
     * @return the binding, or null when the upstream needs none
     */
    @Nullable
    CredentialBinding credential();

    /**
     * An upstream reached over MCP Streamable HTTP on this machine.
     *
     * @param name the namespace
     * @param url the MCP endpoint, e.g. {@code http://127.0.0.1:9000/mcp}; only loopback hosts are accepted
     * @param trusted whether its hints seed catalog defaults
     * @param credential the credential injected as a header, or null
     */
    record Http(
            String name, URI url, boolean trusted, @Nullable CredentialBinding credential) implements UpstreamConfig {
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
            if (credential != null && credential.header() == null) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "upstream '" + name + "' credential: an HTTP upstream takes header/value, not env");
            }
        }

        /**
         * An upstream without a credential.
         *
         * @param name the namespace
         * @param url the MCP endpoint
         * @param trusted whether its hints seed catalog defaults
         */
        public Http(String name, URI url, boolean trusted) {
            this(name, url, trusted, null);
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
     * @param credential the credential injected as environment variables, one process per mandate, or null
     * @param clientRequests whether its requests to the client (sampling, elicitation, roots) are relayed to agents:
     *     then it runs one process per mandate (stdio has no per-call stream, so a process is what ties a request to
     *     one mandate), at most {@link #MAX_CLIENT_REQUEST_PROCESSES} at once without a credential
     */
    record Stdio(
            String name,
            String command,
            List<String> args,
            Map<String, String> env,
            boolean trusted,
            @Nullable CredentialBinding credential,
            boolean clientRequests)
            implements UpstreamConfig {
        /** The most processes, one per mandate, a stdio upstream with {@code client-requests} and no credential runs. */
        public static final int MAX_CLIENT_REQUEST_PROCESSES = 64;

        /** Checks the name and command, and copies the collections. */
        public Stdio {
            checkName(name);
            if (command.isBlank()) {
                throw new MandateException(ErrorCode.BAD_CONFIG, "upstream '" + name + "': command must not be empty");
            }
            args = List.copyOf(args);
            env = Map.copyOf(env);
            if (credential != null && credential.header() != null) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "upstream '" + name + "' credential: a stdio upstream takes env, not header/value");
            }
        }

        /**
         * An upstream without a credential.
         *
         * @param name the namespace
         * @param command the program to run
         * @param args its arguments
         * @param env variables added to its environment
         * @param trusted whether its hints seed catalog defaults
         */
        public Stdio(String name, String command, List<String> args, Map<String, String> env, boolean trusted) {
            this(name, command, args, env, trusted, null, false);
        }

        /**
         * An upstream whose requests to the client are refused.
         *
         * @param name the namespace
         * @param command the program to run
         * @param args its arguments
         * @param env variables added to its environment
         * @param trusted whether its hints seed catalog defaults
         * @param credential the credential injected as environment variables, one process per mandate, or null
         */
        public Stdio(
                String name,
                String command,
                List<String> args,
                Map<String, String> env,
                boolean trusted,
                @Nullable CredentialBinding credential) {
            this(name, command, args, env, trusted, credential, false);
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

package dev.mandate.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to a running node: where it is and where its admin token is. */
public final class NodeOptions {
    @Option(
            names = "--server",
            paramLabel = "<url>",
            description = "The node's URL (env MANDATE_SERVER). Default http://127.0.0.1:8080.")
    @Nullable
    String server;

    @Option(
            names = "--token-file",
            paramLabel = "<file>",
            description = "File holding the admin token (env MANDATE_ADMIN_TOKEN_FILE). Default ./data/admin.token.")
    @Nullable
    Path tokenFile;

    /**
     * Builds a client from the options, the environment and the defaults, in that order.
     *
     * @param env the environment
     * @param json the JSON mapper
     * @return the client
     * @throws MandateException with {@code BAD_REQUEST} for a bad URL, {@code UNAUTHENTICATED} if the token file
     *     cannot be read
     */
    public ControlPlaneClient client(java.util.Map<String, String> env, ObjectMapper json) {
        String url = server != null ? server : env.getOrDefault("MANDATE_SERVER", "http://127.0.0.1:8080");
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new MandateException(ErrorCode.BAD_REQUEST, "--server '" + url + "' is not a URL");
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "--server '" + url + "' must be an http:// or https:// URL");
        }
        Path file = tokenFile != null
                ? tokenFile
                : Path.of(env.getOrDefault("MANDATE_ADMIN_TOKEN_FILE", "data/admin.token"));
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new MandateException(
                    ErrorCode.UNAUTHENTICATED,
                    "cannot read the admin token from " + file + " ("
                            + e.getClass().getSimpleName()
                            + "); pass --token-file <data-dir>/admin.token or set MANDATE_ADMIN_TOKEN_FILE");
        }
        return new ControlPlaneClient(base, token, json);
    }
}

package dev.mandate.app.console;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web console's static assets: {@code GET /} is the page, {@code GET /console/<file>} its scripts and styles. Only
 * the files listed in {@link #ASSETS} exist (no path is ever resolved against a directory), read once from the class
 * path at start-up. Every answer carries {@link #SECURITY_HEADERS}: a Content-Security-Policy that allows scripts,
 * styles and connections from this origin only, no inline script, Trusted Types (so no HTML string can reach an HTML
 * sink), and no framing.
 */
public final class ConsoleRoutes implements RouteGroup {
    /** The policy the console's page runs under. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
            + "require-trusted-types-for 'script'; trusted-types 'none'";

    /** The headers on every console answer. */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin",
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()",
            "Cache-Control", "no-cache");

    /** The console's files under {@code console/} on the class path, with their media types. */
    static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8",
            "views.js", "text/javascript; charset=utf-8",
            "events.js", "text/javascript; charset=utf-8");

    private final Map<String, byte[]> files;

    /**
     * Reads the console's assets from the class path.
     *
     * @throws MandateException with {@code INTERNAL} if an asset is missing from the build
     */
    public ConsoleRoutes() {
        Map<String, byte[]> read = new LinkedHashMap<>();
        for (String name : ASSETS.keySet()) {
            try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
                if (in == null) {
                    throw new MandateException(
                            ErrorCode.INTERNAL, "the console asset console/" + name + " is missing from the build");
                }
                read.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new MandateException(
                        ErrorCode.INTERNAL, "cannot read the console asset console/" + name + ": " + e.getMessage(), e);
            }
        }
        this.files = Map.copyOf(read);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", ctx -> serve(ctx, "index.html"));
        routes.get("/console/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private void serve(Context ctx, String name) {
        byte[] body = files.get(name);
        String type = ASSETS.get(name);
        if (body == null || type == null) {
            throw new MandateException(ErrorCode.NOT_FOUND, "the console has no file '" + name + "'");
        }
        SECURITY_HEADERS.forEach(ctx::header);
        ctx.contentType(type).result(body);
    }
}

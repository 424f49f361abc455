package dev.mandate.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.config.HostPort;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.net.BindException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a Mandate node. Serves {@code /healthz} and {@code /readyz} to anyone, guards {@code /v1/*} with
 * the admin token (except the exact paths a route group declares public in {@link RouteGroup#publicPaths()}), and
 * answers every error with the same JSON shape. Stopping it lets in-flight requests finish
 * within the shutdown timeout.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    private final Javalin javalin;

    private HttpServer(Javalin javalin) {
        this.javalin = javalin;
    }

    /** What the server needs to start. */
    public record Settings(
            HostPort listen,
            Duration shutdownTimeout,
            long maxRequestBytes,
            ObjectMapper json,
            AdminToken adminToken) {}

    /**
     * Starts the server and returns once it accepts connections.
     *
     * @param settings where to listen and the limits
     * @param storeReady whether the store answers right now, for {@code /readyz}
     * @param groups the route groups of the rest of Mandate
     * @return the running server
     * @throws MandateException with {@code BAD_CONFIG} if the address cannot be bound (in use, not local, no permission)
     */
    public static HttpServer start(Settings settings, BooleanSupplier storeReady, List<RouteGroup> groups) {
        Set<String> publicPaths = new HashSet<>();
        groups.forEach(g -> publicPaths.addAll(g.publicPaths()));
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.jsonMapper(new JavalinJackson(settings.json(), true));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.shutdownTimeout().toMillis());
                server.setStopAtShutdown(false); // Mandate's own shutdown hook stops it, in order
                Handler inner = server.getHandler();
                GracefulHandler graceful = new GracefulHandler();
                if (inner != null) {
                    graceful.setHandler(inner);
                }
                server.setHandler(graceful);
            });
            config.events.serverStopping(() -> groups.forEach(RouteGroup::stopping));
            var routes = config.routes;
            routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
            routes.get("/readyz", ctx -> {
                if (storeReady.getAsBoolean()) {
                    ctx.json(Map.of("status", "ready"));
                } else {
                    ctx.status(503).json(Map.of("status", "not-ready", "store", "unavailable"));
                }
            });
            routes.before("/v1/*", ctx -> {
                if (!publicPaths.contains(ctx.path())) {
                    requireAdmin(ctx, settings.adminToken());
                }
            });
            for (RouteGroup group : groups) {
                group.register(routes);
            }
            routes.exception(MandateException.class, (e, ctx) -> ApiError.write(ctx, e.code(), e.getMessage()));
            routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> ApiError.write(
                            ctx, e.getStatus(), errorName(e.getStatus()), String.valueOf(e.getMessage())));
            routes.exception(Exception.class, (e, ctx) -> {
                String incident = UUID.randomUUID().toString();
                LOG.error("internal error {} on {} {}", incident, ctx.method(), ctx.path(), e);
                ApiError.write(
                        ctx, ErrorCode.INTERNAL, "internal error; the server log has the details under " + incident);
            });
            routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ApiError.write(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.method() + " " + ctx.path());
                }
            });
        });
        try {
            javalin.start(settings.listen().host(), settings.listen().port());
        } catch (RuntimeException e) {
            javalin.stop();
            throw bindFailure(settings.listen(), e);
        }
        return new HttpServer(javalin);
    }

    private static String errorName(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND.wireName();
            case 405 -> "method-not-allowed";
            case 413 -> "too-large";
            default -> status >= 500 ? ErrorCode.INTERNAL.wireName() : ErrorCode.BAD_REQUEST.wireName();
        };
    }

    private static void requireAdmin(Context ctx, AdminToken adminToken) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"mandate\"");
            throw new MandateException(
                    ErrorCode.UNAUTHENTICATED,
                    "the control plane needs the admin token: Authorization: Bearer <contents of data-dir/admin.token>");
        }
        if (!adminToken.matches(header.substring(7).strip())) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"mandate\", error=\"invalid_token\"");
            throw new MandateException(ErrorCode.UNAUTHENTICATED, "the bearer token is not the admin token");
        }
    }

    private static MandateException bindFailure(HostPort listen, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof BindException)) {
            cause = cause.getCause();
        }
        String why = cause instanceof BindException ? String.valueOf(cause.getMessage()) : e.toString();
        return new MandateException(
                ErrorCode.BAD_CONFIG,
                "cannot listen on " + listen + " (configuration key 'listen'): " + why
                        + "; choose another address with --listen host:port or MANDATE_LISTEN",
                e);
    }

    /**
     * Returns the port the server listens on (the chosen one when port 0 was asked for).
     *
     * @return the port
     */
    public int port() {
        return javalin.port();
    }

    /** Stops accepting connections, lets in-flight requests finish within the shutdown timeout, then stops. */
    @Override
    public void close() {
        javalin.stop();
    }
}

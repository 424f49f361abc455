package dev.mandate.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.config.HostPort;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.ServerCertificate;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.net.BindException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a Mandate node. Serves {@code /healthz} and {@code /readyz} to anyone, guards {@code /v1/*} with
 * the admin token (except the exact paths a route group declares public in {@link RouteGroup#publicPaths()}), and
 * answers every error with the same JSON shape. Stopping it lets in-flight requests finish
 * within the shutdown timeout. Hot endpoints may also be served ahead of Javalin by a Jetty core handler
 * ({@link DirectRoute}); what such a route declines still reaches Javalin.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    private final Javalin javalin;
    private final @Nullable TlsListener tls;

    private HttpServer(Javalin javalin, @Nullable TlsListener tls) {
        this.javalin = javalin;
        this.tls = tls;
    }

    /**
     * What the server needs to start.
     *
     * @param listen where the plain HTTP listener listens
     * @param shutdownTimeout how long in-flight requests may take to finish on shutdown
     * @param maxRequestBytes the largest request body
     * @param json the JSON mapper
     * @param adminToken the control plane's token
     * @param tls the TLS listener beside the plain one, or null for none
     */
    public record Settings(
            HostPort listen,
            Duration shutdownTimeout,
            long maxRequestBytes,
            ObjectMapper json,
            AdminToken adminToken,
            @Nullable Tls tls) {}

    /**
     * The TLS listener: mutual TLS with X.509-SVIDs as client certificates, verified per request.
     *
     * @param listen where it listens
     * @param certificates gives the server's certificate and key; asked again at each renewal
     * @param renew true to replace the certificate when half its lifetime has passed (one the node issued itself)
     * @param needClientCertificate true to refuse clients without a certificate in the handshake
     */
    public record Tls(
            HostPort listen, Supplier<ServerCertificate> certificates, boolean renew, boolean needClientCertificate) {}

    /**
     * Returns the client's certificate chain of a request that came over the TLS listener.
     *
     * @param ctx the request
     * @return the chain, leaf first; empty when the request came over plain HTTP or without a client certificate
     */
    public static List<X509Certificate> clientChain(Context ctx) {
        Object chain = ctx.req().getAttribute(TlsListener.CLIENT_CHAIN_ATTRIBUTE);
        return chain instanceof X509Certificate[] certs ? List.of(certs) : List.of();
    }

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
        TlsListener tls = settings.tls() == null ? null : new TlsListener(settings.tls());
        Javalin javalin = Javalin.create(config -> {
            if (tls != null) {
                // Javalin adds its own connector only when none is given: add the plain one first (port() is the
                // first connector's), then the TLS one.
                config.jetty.addConnector((server, http) -> {
                    ServerConnector plain = new ServerConnector(server, new HttpConnectionFactory(http));
                    plain.setHost(settings.listen().host());
                    plain.setPort(settings.listen().port());
                    return plain;
                });
                config.jetty.addConnector(tls::connector);
            }
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
                List<DirectRoute> direct = new ArrayList<>();
                groups.forEach(g -> direct.addAll(g.directRoutes()));
                if (!direct.isEmpty()) {
                    DirectRoutes routes = new DirectRoutes(direct, settings.maxRequestBytes(), groups);
                    if (inner != null) {
                        routes.setHandler(inner);
                    }
                    inner = routes;
                }
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
            throw bindFailure(settings, e);
        }
        if (tls != null) {
            tls.started();
        }
        return new HttpServer(javalin, tls);
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

    private static MandateException bindFailure(Settings settings, RuntimeException e) {
        HostPort listen = settings.listen();
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof BindException)) {
            cause = cause.getCause();
        }
        String why = cause instanceof BindException ? String.valueOf(cause.getMessage()) : e.toString();
        String where = "cannot listen on " + listen + " (configuration key 'listen')";
        if (settings.tls() != null) {
            where += " or " + settings.tls().listen() + " (configuration key 'server.tls.listen')";
        }
        return new MandateException(
                ErrorCode.BAD_CONFIG,
                where + ": " + why + "; choose another address with --listen host:port or MANDATE_LISTEN",
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

    /**
     * Re-issues the TLS listener's own certificate now (in the background), when it is the node's X.509-SVID: the
     * embedded CA was rotated, so the listener moves to the new root at once instead of at its next renewal. Does
     * nothing without a TLS listener or with a certificate from files.
     */
    public void renewTlsCertificate() {
        TlsListener t = tls;
        if (t != null) {
            t.renewNow();
        }
    }

    /**
     * Returns the port the TLS listener listens on.
     *
     * @return the port, or -1 when there is no TLS listener
     */
    public int tlsPort() {
        return tls == null ? -1 : tls.port();
    }

    /** Stops accepting connections, lets in-flight requests finish within the shutdown timeout, then stops. */
    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
        javalin.stop();
    }
}

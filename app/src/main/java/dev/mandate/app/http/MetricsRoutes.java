package dev.mandate.app.http;

import io.javalin.config.RoutesConfig;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics} in the Prometheus text format, and a timer of every HTTP request by route and status
 * ({@code mandate_http_requests_seconds}). Metrics carry no secrets and no per-agent cardinality from the URL: the
 * route template is the label, never the raw path.
 */
public final class MetricsRoutes implements RouteGroup {
    private static final String STARTED = "mandate.metrics.started";

    private final PrometheusMeterRegistry registry;
    private final java.util.concurrent.ConcurrentMap<TimerKey, Timer> timers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Creates the metrics routes and binds the JVM metrics to the registry.
     *
     * @param registry the registry every part of Mandate records into
     */
    @SuppressWarnings("resource") // the GC metrics binder lives as long as the registry
    public MetricsRoutes(PrometheusMeterRegistry registry) {
        this.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    private static String routeOf(io.javalin.http.Context ctx) {
        try {
            Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            return matched == null ? "unmatched" : matched.path;
        } catch (RuntimeException noEndpointMatched) {
            // Javalin throws when no HTTP endpoint matched (a 404): never label with the raw path.
            return "unmatched";
        }
    }

    @Override
    public void served(String method, String route, int status, long nanos) {
        // One lookup in a small map instead of building the meter's id and asking the registry on every request.
        timers.computeIfAbsent(
                        new TimerKey(method, route, status),
                        k -> Timer.builder("mandate.http.requests")
                                .description("HTTP requests served, by route template and status")
                                .tag("method", k.method())
                                .tag("route", k.route())
                                .tag("status", Integer.toString(k.status()))
                                .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A timer's tags: bounded, since routes are templates (or {@code unmatched}) and statuses are few. */
    private record TimerKey(String method, String route, int status) {}

    @Override
    public void register(RoutesConfig routes) {
        routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        routes.after(ctx -> {
            Long started = ctx.attribute(STARTED);
            if (started != null) {
                served(ctx.method().name(), routeOf(ctx), ctx.statusCode(), System.nanoTime() - started);
            }
        });
        routes.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
    }
}

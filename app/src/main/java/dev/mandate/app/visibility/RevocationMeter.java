package dev.mandate.app.visibility;

import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.credential.LeaseManager;
import dev.mandate.core.credential.LeaseQuery;
import dev.mandate.core.credential.LeaseState;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.MandateState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Measures time-to-revoke: from a revocation command arriving ({@code POST /v1/mandates/{id}/revoke},
 * {@code POST /v1/agents/{name}/revoke}, {@code POST /v1/leases/{id}/revoke}) to every in-process enforcement point
 * denying: the mandate and its whole delegation subtree fail the registry's live check (which the gateway and the token
 * endpoint consult on every request), the agent is disabled, and no lease of theirs is still active. The clock starts
 * before the command's handler and stops when the check after it passes, so the figure includes the store and audit
 * writes and the backends' revocations. A command whose check fails is counted in
 * {@code mandate_revocation_incomplete_total} instead. Exposed as {@code mandate_revocation_seconds{target}} with
 * p50/p99; {@link #p50Millis()} and {@link #p99Millis()} read the last {@value #SAMPLES} samples.
 */
public final class RevocationMeter implements RouteGroup {
    /** How many recent samples the percentiles in access answers are computed from. */
    public static final int SAMPLES = 1024;

    /** The most mandates of one subtree checked after a revocation; larger trees are checked up to this many. */
    public static final int MAX_CHECKED = 10_000;

    private static final String STARTED = "mandate.revocation.started";

    private final MandateRegistry mandates;
    private final AgentRegistry agents;
    private final LeaseManager leases;
    private final MeterRegistry metrics;
    private final Counter incomplete;
    private final Deque<Long> recentNanos = new ArrayDeque<>(); // guarded by this

    /**
     * Creates the meter and registers its meters.
     *
     * @param mandates the mandates checked after a revocation
     * @param agents the agents checked after a kill switch
     * @param leases the leases checked after a revocation
     * @param metrics where {@code mandate_revocation_seconds} is registered
     */
    public RevocationMeter(MandateRegistry mandates, AgentRegistry agents, LeaseManager leases, MeterRegistry metrics) {
        this.mandates = mandates;
        this.agents = agents;
        this.leases = leases;
        this.metrics = metrics;
        this.incomplete = Counter.builder("mandate.revocation.incomplete")
                .description("Revocation commands after which an enforcement point still allowed")
                .register(metrics);
        for (String target : List.of("mandate", "agent", "lease")) {
            timer(target);
        }
    }

    private Timer timer(String target) {
        return Timer.builder("mandate.revocation")
                .description("Time from a revocation command to every in-process enforcement point denying")
                .tag("target", target)
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    @Override
    public void register(RoutesConfig routes) {
        for (String path : List.of("/v1/mandates/{id}/revoke", "/v1/agents/{name}/revoke", "/v1/leases/{id}/revoke")) {
            routes.before(path, ctx -> ctx.attribute(STARTED, System.nanoTime()));
        }
        routes.after(
                "/v1/mandates/{id}/revoke", ctx -> finish(ctx, "mandate", () -> mandateDenied(ctx.pathParam("id"))));
        routes.after("/v1/agents/{name}/revoke", ctx -> finish(ctx, "agent", () -> agentDenied(ctx.pathParam("name"))));
        routes.after("/v1/leases/{id}/revoke", ctx -> finish(ctx, "lease", () -> leaseDenied(ctx.pathParam("id"))));
    }

    private void finish(Context ctx, String target, java.util.function.BooleanSupplier denied) {
        Long started = ctx.attribute(STARTED);
        if (started == null || ctx.statusCode() != 200) {
            return;
        }
        if (!denied.getAsBoolean()) {
            incomplete.increment();
            return;
        }
        record(target, System.nanoTime() - started);
    }

    /**
     * Records one measured revocation.
     *
     * @param target {@code mandate}, {@code agent} or {@code lease}
     * @param nanos the time it took
     */
    public void record(String target, long nanos) {
        timer(target).record(nanos, TimeUnit.NANOSECONDS);
        synchronized (this) {
            if (recentNanos.size() == SAMPLES) {
                recentNanos.removeFirst();
            }
            recentNanos.addLast(nanos);
        }
    }

    /**
     * Returns the median of the recent measured revocations.
     *
     * @return milliseconds, or null if none was measured yet
     */
    public @Nullable Double p50Millis() {
        return percentile(0.5);
    }

    /**
     * Returns the 99th percentile of the recent measured revocations.
     *
     * @return milliseconds, or null if none was measured yet
     */
    public @Nullable Double p99Millis() {
        return percentile(0.99);
    }

    /**
     * Returns how many revocations the percentiles are computed from.
     *
     * @return at most {@value #SAMPLES}
     */
    public synchronized int samples() {
        return recentNanos.size();
    }

    private synchronized @Nullable Double percentile(double q) {
        if (recentNanos.isEmpty()) {
            return null;
        }
        long[] sorted = recentNanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(q * sorted.length) - 1;
        long nanos = sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private boolean mandateDenied(String id) {
        List<String> subtree = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(List.of(id));
        while (!todo.isEmpty() && subtree.size() < MAX_CHECKED) {
            String next = todo.removeFirst();
            subtree.add(next);
            mandates.children(next).forEach(c -> todo.addLast(c.id()));
        }
        for (String m : subtree) {
            if (mandates.checkLive(m).isLive() || hasActiveLease(m, null)) {
                return false;
            }
        }
        return true;
    }

    private boolean agentDenied(String name) {
        Optional<dev.mandate.core.identity.Agent> agent = agents.directory().findByName(name);
        if (agent.isEmpty() || agent.get().isActive()) {
            return false;
        }
        SpiffeId id = agent.get().id();
        List<Mandate> stillActive =
                mandates.list(m -> m.agent().equals(id) && m.state() == MandateState.ACTIVE, MandateRegistry.MAX_LIST);
        for (Mandate m : stillActive) {
            if (mandates.checkLive(m.id()).isLive()) {
                return false;
            }
        }
        return !hasActiveLease(null, id.toString());
    }

    private boolean leaseDenied(String id) {
        return leases.find(id).map(l -> l.state() != LeaseState.ACTIVE).orElse(true);
    }

    private boolean hasActiveLease(@Nullable String mandateId, @Nullable String agent) {
        return !leases.list(new LeaseQuery(mandateId, agent, null, LeaseState.ACTIVE, 1))
                .isEmpty();
    }
}

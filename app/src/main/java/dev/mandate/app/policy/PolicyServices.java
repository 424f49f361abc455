package dev.mandate.app.policy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.approval.Approvals;
import dev.mandate.core.approval.InMemoryApprovalStore;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import dev.mandate.core.policy.PolicyEngine;
import dev.mandate.core.policy.PolicySchema;
import dev.mandate.core.policy.PolicyStore;
import dev.mandate.core.policy.ToolSignature;
import dev.mandate.gateway.policy.UpstreamTools;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The decision services one node runs: the policy store (polled for changes), the engine, the approvals, and the ports
 * the rest of the node fills in (mandates, catalog, tool lists). Built by the composition root; closing it stops the
 * reload timer.
 */
public final class PolicyServices implements AutoCloseable {
    /** How often the policy directory is checked for changes. */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(2);

    /** A lookup that knows no mandate: until the registry is wired, MCP-shaped requests need inline facts. */
    public static final MandateLookup NO_MANDATES = new MandateLookup() {
        @Override
        public @Nullable MandateFacts mandate(String mandateId) {
            return null;
        }

        @Override
        public @Nullable AgentFacts agent(String agentId) {
            return null;
        }
    };

    private final PolicyStore store;
    private final PolicyEngine engine;
    private final Approvals approvals;
    private final MandateLookup mandates;
    private final Catalog catalog;
    private final Supplier<List<ToolSignature>> tools;
    private final @Nullable ScheduledExecutorService timer;
    private final PolicyReporter reporter;

    /**
     * Creates the services.
     *
     * @param store the policy store
     * @param approvals the approvals
     * @param mandates the mandate lookup
     * @param catalog the gateway's catalog (for MCP-shaped authorize requests)
     * @param tools the tool signatures the schema is generated from
     * @param reloadEvery how often to poll the store, or null for never
     */
    public PolicyServices(
            PolicyStore store,
            Approvals approvals,
            MandateLookup mandates,
            Catalog catalog,
            Supplier<List<ToolSignature>> tools,
            @Nullable Duration reloadEvery) {
        this(store, approvals, mandates, catalog, tools, reloadEvery, new PolicyReporter(null));
    }

    private PolicyServices(
            PolicyStore store,
            Approvals approvals,
            MandateLookup mandates,
            Catalog catalog,
            Supplier<List<ToolSignature>> tools,
            @Nullable Duration reloadEvery,
            PolicyReporter reporter) {
        this.reporter = reporter;
        this.store = store;
        this.engine = new PolicyEngine(store::current);
        this.approvals = approvals;
        this.mandates = mandates;
        this.catalog = catalog;
        this.tools = tools;
        if (reloadEvery == null) {
            this.timer = null;
        } else {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mandate-policy-reload");
                t.setDaemon(true);
                return t;
            });
            long ms = reloadEvery.toMillis();
            // refresh() never throws for a broken set: it keeps the old one and records the error; report() never
            // throws.
            ScheduledFuture<?> unused =
                    timer.scheduleWithFixedDelay(() -> reporter.report(store.refresh()), ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Builds the node's default services: policies from {@code <data-dir>/policies} (created empty if absent, and an
     * empty set denies everything), approvals in memory, no mandates or tools known yet.
     *
     * @param dataDir the data directory
     * @param clock the clock
     * @return the services
     * @throws MandateException with {@code BAD_CONFIG} if the policy files do not load
     */
    public static PolicyServices inDataDirectory(Path dataDir, InstantSource clock) {
        Path dir = dataDir.resolve("policies");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "cannot create the policy directory " + dir + ": " + e);
        }
        return new PolicyServices(
                PolicyStore.open(dir, clock),
                new Approvals(new InMemoryApprovalStore(), clock, Approvals.DEFAULT_TTL),
                NO_MANDATES,
                Catalog.EMPTY,
                List::of,
                RELOAD_INTERVAL);
    }

    /**
     * Builds the node's services with validation: policies from {@code <data-dir>/policies} are validated against
     * Mandate's schema generated from the gateway's catalog and its upstreams' tool lists, at start (a set with
     * validation errors stops start-up), on every reload (a set with errors is refused, the previous one stays) and
     * whenever an upstream's tool list changes (the set in force is validated again; if it no longer validates it stays
     * in force and the errors are reported). Upstreams whose tools are not listed yet are pending: policies naming
     * their actions are checked when their lists arrive. Reloads and problems are logged, audited and counted.
     *
     * @param dataDir the data directory
     * @param clock the clock
     * @param tools the gateway's upstream tool index
     * @param audit where reloads and refused sets are recorded
     * @return the services
     * @throws MandateException with {@code BAD_CONFIG} if the policy files do not load or do not validate
     */
    public static PolicyServices inDataDirectory(
            Path dataDir, InstantSource clock, UpstreamTools tools, AuditSink audit) {
        Path dir = dataDir.resolve("policies");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "cannot create the policy directory " + dir + ": " + e);
        }
        PolicyServices services = new PolicyServices(
                PolicyStore.open(dir, clock, tools.policySchema()),
                new Approvals(new InMemoryApprovalStore(), clock, Approvals.DEFAULT_TTL),
                NO_MANDATES,
                Catalog.EMPTY,
                tools::signatures,
                RELOAD_INTERVAL,
                new PolicyReporter(audit));
        tools.addListener(() -> services.schemaChanged(tools::policySchema));
        return services;
    }

    /**
     * Validates the set in force against a regenerated schema, on the reload thread (so it is ordered with reloads and
     * never runs on a request or an upstream's notification thread), and reports the outcome.
     *
     * @param schema gives the new schema when the task runs (the latest one, if several changes queued)
     */
    void schemaChanged(Supplier<PolicySchema> schema) {
        Runnable task = () -> reporter.report(store.useSchema(schema.get()));
        ScheduledExecutorService t = timer;
        if (t == null) {
            task.run();
            return;
        }
        try {
            t.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: nothing left to validate for
        }
    }

    /**
     * Registers the reload counters ({@code mandate_policy_reloads_total}, {@code mandate_policy_rejections_total},
     * {@code mandate_policy_invalid_under_schema_total}).
     *
     * @param registry where to register
     */
    public void bindMetrics(MeterRegistry registry) {
        reporter.bind(registry);
    }

    /** Re-reads the policy directory now and reports the outcome (what the timer does). */
    void reloadNow() {
        reporter.report(store.refresh());
    }

    /**
     * Returns the policy store.
     *
     * @return the store
     */
    public PolicyStore store() {
        return store;
    }

    /**
     * Returns the engine deciding against the store.
     *
     * @return the engine
     */
    public PolicyEngine engine() {
        return engine;
    }

    /**
     * Returns the approvals.
     *
     * @return the approvals
     */
    public Approvals approvals() {
        return approvals;
    }

    MandateLookup mandates() {
        return mandates;
    }

    Catalog catalog() {
        return catalog;
    }

    List<ToolSignature> tools() {
        return tools.get();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}

package dev.mandate.app.policy;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.policy.PolicyStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports what the policy store's reloads and schema changes did: a warning in the log, an audit event
 * ({@code policy.reloaded}, {@code policy.rejected}, {@code policy.invalid-under-schema}) and counters. A broken set
 * that stays broken is reported once, not on every poll. Never throws: the reload timer must keep running.
 */
final class PolicyReporter {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyReporter.class);
    private static final int MAX_REASON = 2000;

    private final @Nullable AuditSink audit;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private final AtomicLong invalidUnderSchema = new AtomicLong();
    private @Nullable String lastReported;

    PolicyReporter(@Nullable AuditSink audit) {
        this.audit = audit;
    }

    synchronized void report(PolicyStore.Reload r) {
        try {
            switch (r.outcome()) {
                case UNCHANGED -> lastReported = null;
                case RELOADED -> {
                    lastReported = null;
                    reloads.incrementAndGet();
                    LOG.info("policy set {} is in force", r.version());
                    audit("policy.reloaded", r.version(), null);
                }
                case REJECTED ->
                    problem(r, rejections, "policy.rejected", "was rejected; the previous set stays in force");
                case INVALID_UNDER_SCHEMA ->
                    problem(
                            r,
                            invalidUnderSchema,
                            "policy.invalid-under-schema",
                            "does not validate against the regenerated schema; it stays in force");
            }
        } catch (RuntimeException e) {
            LOG.warn("could not report a policy reload: {}", e.toString());
        }
    }

    private void problem(PolicyStore.Reload r, AtomicLong counter, String type, String what) {
        String error = String.valueOf(r.error());
        if (error.equals(lastReported)) {
            return;
        }
        lastReported = error;
        counter.incrementAndGet();
        LOG.warn(
                "policy set {} {}:\n{}",
                r.outcome() == PolicyStore.Reload.Outcome.REJECTED ? "change" : r.version(),
                what,
                error);
        audit(type, r.version(), error);
    }

    private void audit(String type, String version, @Nullable String reason) {
        AuditSink sink = audit;
        if (sink == null) {
            return;
        }
        String shortReason = reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
        sink.record(new AuditEntry(type, "system", "policy-set", shortReason, Map.of("version", version)));
    }

    void bind(MeterRegistry registry) {
        FunctionCounter.builder("mandate.policy.reloads", reloads, AtomicLong::doubleValue)
                .description("Policy sets loaded by a reload")
                .register(registry);
        FunctionCounter.builder("mandate.policy.rejections", rejections, AtomicLong::doubleValue)
                .description("Changed policy sets refused (broken or not validating); the previous set stayed")
                .register(registry);
        FunctionCounter.builder("mandate.policy.invalid.under.schema", invalidUnderSchema, AtomicLong::doubleValue)
                .description("Schema changes under which the set in force no longer validates")
                .register(registry);
    }

    long rejections() {
        return rejections.get();
    }

    long invalidUnderSchema() {
        return invalidUnderSchema.get();
    }
}

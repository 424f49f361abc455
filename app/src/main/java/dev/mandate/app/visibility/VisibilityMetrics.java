package dev.mandate.app.visibility;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.gateway.CallDecider;
import dev.mandate.gateway.Decision;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's decision and audit meters, and the live-mandate gauge: {@code mandate_decisions_seconds{outcome}}
 * (latency, and with its count the decisions by outcome: allow, deny, approval-required),
 * {@code mandate_audit_write_seconds} (audit lag: from a decided call to its record being durable; the call waits for
 * it) and {@code mandate_mandates_live}.
 */
public final class VisibilityMetrics {
    private VisibilityMetrics() {}

    /**
     * Wraps a decider so that every decision is timed by outcome.
     *
     * @param decider the decider
     * @param metrics where to record
     * @return the timed decider
     */
    public static CallDecider timedDecider(CallDecider decider, MeterRegistry metrics) {
        Timer allow = decisions(metrics, "allow");
        Timer deny = decisions(metrics, "deny");
        Timer approval = decisions(metrics, "approval-required");
        return request -> {
            long started = System.nanoTime();
            Decision d = decider.decide(request);
            Timer t = switch (d) {
                case Decision.Allow a -> allow;
                case Decision.Deny x -> deny;
                case Decision.ApprovalRequired a -> approval;
            };
            t.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return d;
        };
    }

    private static Timer decisions(MeterRegistry metrics, String outcome) {
        return Timer.builder("mandate.decisions")
                .description("Gateway decisions: latency, and by their count the decisions by outcome")
                .tag("outcome", outcome)
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    /**
     * Wraps an audit sink so that every write is timed: the audit lag of the calls it records.
     *
     * @param sink the sink
     * @param metrics where to record
     * @return the timed sink
     */
    public static AuditSink timedAudit(AuditSink sink, MeterRegistry metrics) {
        Timer writes = Timer.builder("mandate.audit.write")
                .description("Audit lag: time from a decided call to its audit record being durable")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
        return (AuditEntry entry) -> {
            long started = System.nanoTime();
            try {
                sink.record(entry);
            } finally {
                writes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        };
    }

    /**
     * Registers {@code mandate_mandates_live}: mandates active and unexpired now.
     *
     * @param metrics where to register
     * @param mandates the registry
     * @param clock the time expiry is judged at
     */
    public static void bindMandates(MeterRegistry metrics, MandateRegistry mandates, InstantSource clock) {
        Gauge.builder("mandate.mandates.live", mandates, m -> {
                    java.time.Instant now = clock.instant();
                    return LiveMandates.all(m).stream()
                            .filter(x -> LiveMandates.live(x, now))
                            .count();
                })
                .description("Mandates active and unexpired (ancestors not checked)")
                .register(metrics);
    }
}

package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import dev.mandate.core.flow.Sensitivity;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Fakes that record, for what Mandate owns: authentication, decisions, the audit log. */
final class Recorders {
    private Recorders() {}

    /** Bearer token = "token-" + mandate id; each mandate has its own flow state. */
    static final class Tokens implements CallAuthenticator {
        final Map<String, CallerContext> callers = new ConcurrentHashMap<>();

        CallerContext add(String mandateId, FlowState flow) {
            return add(mandateId, flow, null);
        }

        /** A caller acting for a principal with this clearance (null: for nobody). */
        CallerContext add(String mandateId, FlowState flow, @Nullable Sensitivity clearance) {
            CallerContext caller =
                    new CallerContext("spiffe://mandate.local/agent/" + mandateId, mandateId, flow, clearance);
            callers.put("token-" + mandateId, caller);
            return caller;
        }

        @Override
        public CallerContext authenticate(AuthenticationRequest request) {
            String header = request.header("Authorization");
            CallerContext caller = header == null ? null : callers.get(header.replaceFirst("^Bearer ", ""));
            if (caller == null) {
                throw new MandateException(ErrorCode.UNAUTHENTICATED, "no valid mandate token");
            }
            return caller;
        }
    }

    /** Records every request and answers with a rule. */
    static final class Decider implements CallDecider {
        final List<DecisionRequest> requests = new CopyOnWriteArrayList<>();
        volatile Function<DecisionRequest, Decision> rule = r -> new Decision.Allow(List.of());

        @Override
        public Decision decide(DecisionRequest request) {
            requests.add(request);
            return rule.apply(request);
        }

        List<DecisionRequest> calls() {
            return requests.stream().filter(r -> !r.listing()).toList();
        }
    }

    /** Keeps entries; fails every record while {@code failing} is set. */
    static final class Audit implements AuditSink {
        final List<AuditEntry> entries = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        @Override
        public void record(AuditEntry entry) {
            if (failing) {
                throw new MandateException(ErrorCode.UNAVAILABLE, "audit store down");
            }
            entries.add(entry);
            synchronized (this) {
                notifyAll();
            }
        }

        /** Waits (at most 30 s) until an entry matching {@code test} is recorded, for records written off the caller. */
        synchronized AuditEntry await(java.util.function.Predicate<AuditEntry> test) throws InterruptedException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (true) {
                for (AuditEntry e : entries) {
                    if (test.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such audit entry among " + entries);
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    static FlowState fresh() {
        return FlowState.root(FlowLabels.NONE);
    }
}

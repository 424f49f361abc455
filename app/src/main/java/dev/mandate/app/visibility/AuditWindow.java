package dev.mandate.app.visibility;

import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.posture.AgentActivity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the tail of the audit log back to a window's start, newest pages first, at most {@link #MAX_EVENTS} events,
 * and summarises it as {@link AgentActivity}.
 */
final class AuditWindow {
    /** The most audit events one posture report reads. */
    static final int MAX_EVENTS = 200_000;

    private AuditWindow() {}

    static AgentActivity read(AuditLog log, Instant windowStart) {
        long last = lastSeq(log);
        List<AuditEvent> events = new ArrayList<>();
        long after = last;
        Instant since = windowStart;
        while (after > 0) {
            long from = Math.max(0, after - AuditLog.MAX_PAGE);
            List<AuditEvent> page = log.page(from, (int) (after - from));
            events.addAll(page);
            after = from;
            if (page.isEmpty() || page.get(0).time().isBefore(windowStart)) {
                break; // reached the window's start (or the log's)
            }
            if (events.size() >= MAX_EVENTS) {
                // Cut short: activity is known only from the oldest event read.
                since = page.get(0).time();
                break;
            }
        }
        return AgentActivity.from(events, since);
    }

    /** Finds the last sequence number with O(log n) one-event reads: the log exposes pages, not its head. */
    static long lastSeq(AuditLog log) {
        if (log.page(0, 1).isEmpty()) {
            return 0;
        }
        long lo = 1; // an event with this seq exists
        long hi = 2;
        while (!log.page(hi - 1, 1).isEmpty()) {
            lo = hi;
            hi *= 2;
        }
        // Invariant: seq lo exists, seq hi does not.
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (log.page(mid - 1, 1).isEmpty()) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return lo;
    }
}

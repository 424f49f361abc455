package dev.mandate.gateway.relay;

import dev.mandate.gateway.CallerContext;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The caller of the agent request the current thread is answering, so that an upstream whose connections are per
 * mandate ({@link MandateUpstreams}) knows whose connection and credential to use without widening the
 * {@link Upstream} interface. The relay answers each request on one thread, start to end.
 */
final class CallerScope {
    private static final ThreadLocal<@Nullable CallerContext> CURRENT = new ThreadLocal<>();

    private CallerScope() {}

    /** Runs {@code work} with {@code caller} as the current caller, restoring the previous one afterwards. */
    static <T> T with(CallerContext caller, Supplier<T> work) {
        CallerContext previous = CURRENT.get();
        CURRENT.set(caller);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** The current caller, or null outside an agent request. */
    static @Nullable CallerContext current() {
        return CURRENT.get();
    }
}

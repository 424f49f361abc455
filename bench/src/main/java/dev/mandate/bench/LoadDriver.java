package dev.mandate.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The phases of the gateway load drivers, on a fixed set of platform worker threads that each own their connections
 * (opened before the clock starts). Platform threads, so that the driver's own CPU time can be read per thread
 * ({@link ThreadMXBean}) and reported beside the whole process's: on two shared cores the driver's share is taken from
 * the servers it measures.
 */
final class LoadDriver {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

    private LoadDriver() {}

    /** One call made by worker {@code worker} (0 to workers − 1); it throws if the call fails or answers wrongly. */
    @FunctionalInterface
    interface Call {
        void call(int worker, int index) throws Exception;
    }

    /**
     * What a phase measured.
     *
     * @param latencies per call index, nanoseconds (from its scheduled start in the open loop)
     * @param failures calls that failed or answered wrongly
     * @param firstFailure what the first failure was, or null
     * @param seconds wall time of the phase
     * @param driverCpuNanos CPU time of the driver's worker threads during the phase
     * @param processCpuNanos CPU time of the whole process (driver and the servers in it) during the phase
     */
    @SuppressWarnings("ArrayRecordComponent") // a phase's latencies, read once by the driver that made them
    record Result(
            long[] latencies,
            int failures,
            @Nullable String firstFailure,
            double seconds,
            long driverCpuNanos,
            long processCpuNanos) {
        /** The driver's share of the process's CPU time, in percent. */
        double driverShare() {
            return processCpuNanos == 0 ? 0 : 100.0 * driverCpuNanos / processCpuNanos;
        }
    }

    /**
     * Open loop: call {@code i} is due at {@code i / rate} seconds; a free worker takes the next call, waits until it
     * is due and makes it; its latency counts from when it was due, so a call that waited for a free worker (a stall
     * of the server) counts the wait too.
     */
    static Result openLoop(int workers, int calls, int rate, Call call) throws InterruptedException {
        return openLoop(workers, 1, calls, rate, call);
    }

    /**
     * Open loop in {@code lanes} lanes: call {@code i} belongs to lane {@code i % lanes}, and each lane has its own
     * {@code workers} (numbered 0 to workers − 1 within it), so a lane whose target falls behind does not hold up the
     * calls of another (the direct calls beside a saturated gateway).
     */
    static Result openLoop(int workers, int lanes, int calls, int rate, Call call) throws InterruptedException {
        long interval = 1_000_000_000L / rate;
        long begin = System.nanoTime() + 10_000_000L;
        return run(workers, lanes, calls, (worker, index, latencies) -> {
            long due = begin + index * interval;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            try {
                call.call(worker, index);
            } finally {
                latencies[index] = System.nanoTime() - due; // a failure counts up to when it failed
            }
        });
    }

    /** Closed loop: each worker makes its next call as soon as it has the answer to the last. */
    static Result closedLoop(int workers, int calls, Call call) throws InterruptedException {
        return run(workers, 1, calls, (worker, index, latencies) -> {
            long start = System.nanoTime();
            try {
                call.call(worker, index);
            } finally {
                latencies[index] = System.nanoTime() - start;
            }
        });
    }

    private interface Timed {
        void call(int worker, int index, long[] latencies) throws Exception;
    }

    private static Result run(int workers, int lanes, int calls, Timed timed) throws InterruptedException {
        long[] latencies = new long[calls];
        AtomicInteger[] next = new AtomicInteger[lanes];
        for (int l = 0; l < lanes; l++) {
            next[l] = new AtomicInteger();
        }
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<@Nullable String> first = new AtomicReference<>();
        AtomicLong driverCpu = new AtomicLong();
        List<Thread> threads = new ArrayList<>(workers);
        long process0 = OS.getProcessCpuTime();
        long begin = System.nanoTime();
        for (int w = 0; w < workers * lanes; w++) {
            int worker = w % workers;
            int lane = w / workers;
            AtomicInteger turn = next[lane];
            threads.add(Thread.ofPlatform().name("driver-" + w).daemon().start(() -> {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                for (int i = lane + lanes * turn.getAndIncrement();
                        i < calls;
                        i = lane + lanes * turn.getAndIncrement()) {
                    try {
                        timed.call(worker, i, latencies);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        first.compareAndSet(null, e.toString());
                    }
                }
                driverCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Result(
                latencies, failures.get(), first.get(), seconds, driverCpu.get(), OS.getProcessCpuTime() - process0);
    }
}

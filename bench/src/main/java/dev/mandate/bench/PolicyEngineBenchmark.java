package dev.mandate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Cedar decision, Mandate's engine against the reference (cedar-java), over the same policy sets, entities and
 * request mix ({@link AgentDeploymentWorkload}). Each invocation decides the next request of a 256-request cycle.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PolicyEngineBenchmark -bm sample -tu us} (add {@code -t 2}
 * for both cores). {@code referenceCedarJava} is the reference as most callers use it; {@code
 * referenceCedarJavaCached} first pins the policy set in the native cache, the reference's fastest path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
public class PolicyEngineBenchmark {
    /** How many policies the set holds. */
    @Param({"10", "100", "1000", "10000"})
    int policies;

    @SuppressWarnings("NullAway.Init") // set in setUp(), which JMH runs before any benchmark method
    private MandateCedar mandate;

    @SuppressWarnings("NullAway.Init")
    private ReferenceCedar reference;

    @SuppressWarnings("NullAway.Init")
    private ReferenceCedar referenceCached;

    /** Per-thread position in the request cycle, so threads do not contend on a shared counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            int i = next;
            next = (i + 1) & (AgentDeploymentWorkload.REQUESTS - 1);
            return i;
        }
    }

    /** Builds both engines over the same workload. */
    @Setup(Level.Trial)
    public void setUp() {
        AgentDeploymentWorkload workload = AgentDeploymentWorkload.of(policies);
        mandate = new MandateCedar(workload);
        reference = new ReferenceCedar(workload, false);
        referenceCached = new ReferenceCedar(workload, true);
    }

    /**
     * One decision by Mandate's engine.
     *
     * @param cursor this thread's request cycle
     * @return the decision, so the JIT keeps the work
     */
    @Benchmark
    public boolean mandateCedar(Cursor cursor) {
        return mandate.isAllowed(cursor.advance());
    }

    /**
     * One decision by cedar-java, policies serialised on every call.
     *
     * @param cursor this thread's request cycle
     * @return the decision
     */
    @Benchmark
    public boolean referenceCedarJava(Cursor cursor) {
        return reference.isAllowed(cursor.advance());
    }

    /**
     * One decision by cedar-java with the policy set cached natively.
     *
     * @param cursor this thread's request cycle
     * @return the decision
     */
    @Benchmark
    public boolean referenceCedarJavaCached(Cursor cursor) {
        return referenceCached.isAllowed(cursor.advance());
    }
}

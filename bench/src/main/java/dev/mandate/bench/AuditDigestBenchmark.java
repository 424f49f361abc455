package dev.mandate.bench;

import dev.mandate.core.audit.AuditDigest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of the SHA-256 argument digest that every audited call pays. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuditDigestBenchmark {
    /** A typical canonical tool-call argument document. */
    String arguments = "{\"customer_id\":\"c-42\",\"fields\":[\"name\",\"email\",\"plan\"],\"ticket\":42}";

    /**
     * Digests one argument document.
     *
     * @return the digest, so the JIT keeps the work
     */
    @Benchmark
    public String digestArguments() {
        return AuditDigest.of(arguments);
    }
}

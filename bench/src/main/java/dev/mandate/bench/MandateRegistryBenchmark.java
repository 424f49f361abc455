package dev.mandate.bench;

import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateLimits;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.MandateState;
import dev.mandate.core.mandate.MandateStore;
import dev.mandate.core.mandate.OpenRequest;
import dev.mandate.core.mandate.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-memory side of mandates: the validity check every enforcement point makes on every request, and a cascade
 * revocation of a 10,000-mandate delegation tree. The store and the audit sink do nothing here, so the figures are the
 * registry's own; what durability adds is the store's and the audit log's cost.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar MandateRegistryBenchmark}.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
public class MandateRegistryBenchmark {
    private static final SpiffeId AGENT = SpiffeId.parse("spiffe://mandate.local/agent/bench");

    /** A chain root → … → leaf four delegations deep (the default depth limit). */
    @State(Scope.Benchmark)
    public static class Chain {
        @SuppressWarnings("NullAway.Init") // set in setUp(), which JMH runs first
        MandateRegistry registry;

        @SuppressWarnings("NullAway.Init")
        String leaf;

        /** Builds the chain. */
        @Setup(Level.Trial)
        public void setUp() {
            registry = registry();
            Mandate m = open(registry);
            for (int depth = 1; depth <= 4; depth++) {
                m = delegate(registry, m.id());
            }
            leaf = m.id();
        }
    }

    /** A tree of 10,001 live mandates: a root, 100 children, 99 grandchildren under each. */
    @State(Scope.Thread)
    public static class Tree {
        @SuppressWarnings("NullAway.Init")
        MandateRegistry registry;

        @SuppressWarnings("NullAway.Init")
        String root;

        /** Builds a fresh tree before each revocation. */
        @Setup(Level.Invocation)
        public void setUp() {
            registry = registry();
            root = open(registry).id();
            for (int i = 0; i < 100; i++) {
                String child = delegate(registry, root).id();
                for (int j = 0; j < 99; j++) {
                    delegate(registry, child);
                }
            }
        }
    }

    /**
     * One validity check of a mandate four delegations deep.
     *
     * @param chain the chain
     * @return the answer, so the JIT keeps the work
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public LiveCheck checkLiveAtDepthFour(Chain chain) {
        return chain.registry.checkLive(chain.leaf);
    }

    /**
     * Revokes the root of a 10,001-mandate tree, ending every mandate in it.
     *
     * @param tree a fresh tree
     * @return how many mandates ended
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 30) // single shots: the JIT needs many trees before the figure settles
    @Measurement(iterations = 20)
    public int cascadeRevokeOfTenThousand(Tree tree) {
        return tree.registry.revoke(tree.root, "benchmark", "admin").size();
    }

    static MandateRegistry registry() {
        AuditSink audit = entry -> {};
        MandateStore store = new MandateStore() {
            @Override
            public void insert(Mandate mandate) {}

            @Override
            public void end(Collection<String> ids, MandateState state, Instant at, String reason) {}

            @Override
            public void renew(String id, Instant expires) {}

            @Override
            public void updateFlowLabels(String id, java.util.Set<String> flowLabels) {}

            @Override
            public List<Mandate> loadAll() {
                return List.of();
            }
        };
        return new MandateRegistry(store, audit, InstantSource.system(), MandateLimits.defaults(), (id, e) -> {});
    }

    static Mandate open(MandateRegistry registry) {
        return registry.open(
                new OpenRequest(
                        AGENT,
                        Tier.COPILOT,
                        null,
                        "triage",
                        Set.of("tickets.read", "crm.get_customer"),
                        Set.of(),
                        Duration.ofMinutes(30),
                        null,
                        Set.of("*"),
                        1_000,
                        null),
                "admin");
    }

    static Mandate delegate(MandateRegistry registry, String parent) {
        return registry.delegate(
                parent, new DelegationRequest(AGENT, Tier.COPILOT, null, null, null, null, null, null), "admin");
    }
}

package dev.mandate.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures the heap a compiled policy set retains: used heap after full collections with the set held, minus used heap
 * without it. Run: {@code java -cp bench/target/benchmarks.jar dev.mandate.bench.PolicySetFootprint 10000}.
 */
public final class PolicySetFootprint {
    private PolicySetFootprint() {}

    /**
     * Prints the retained size of the policy set for each policy count given.
     *
     * @param args policy counts, e.g. {@code 1000 10000}
     */
    public static void main(String[] args) {
        for (String arg : args.length == 0 ? new String[] {"10000"} : args) {
            int count = Integer.parseInt(arg);
            AgentDeploymentWorkload workload = AgentDeploymentWorkload.of(count);
            long before = settledHeapUsed();
            MandateCedar engine = new MandateCedar(workload);
            long after = settledHeapUsed();
            // Keep the engine reachable until after the second measurement.
            boolean allowed = engine.isAllowed(0);
            System.out.printf(
                    "policies=%d retained≈%.1f MB (text %.1f MB, first decision %s)%n",
                    count, (after - before) / 1e6, workload.policies.length() / 1e6, allowed ? "allow" : "deny");
        }
    }

    private static long settledHeapUsed() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

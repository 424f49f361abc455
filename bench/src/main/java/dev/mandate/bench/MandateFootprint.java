package dev.mandate.bench;

import dev.mandate.core.mandate.MandateRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures the heap that live mandates retain in the registry: used heap after full collections with the registry
 * holding them, minus used heap before. Run: {@code java -cp bench/target/benchmarks.jar
 * dev.mandate.bench.MandateFootprint 100000}.
 */
public final class MandateFootprint {
    private MandateFootprint() {}

    /**
     * Opens the given number of live mandates (roots with three delegated children each) and prints what they retain.
     *
     * @param args how many mandates, e.g. {@code 100000}
     */
    public static void main(String[] args) {
        int count = args.length == 0 ? 100_000 : Integer.parseInt(args[0]);
        long before = settledHeapUsed();
        MandateRegistry registry = MandateRegistryBenchmark.registry();
        int opened = 0;
        String root = "";
        while (opened < count) {
            root = MandateRegistryBenchmark.open(registry).id();
            opened++;
            for (int i = 0; i < 3 && opened < count; i++, opened++) {
                MandateRegistryBenchmark.delegate(registry, root);
            }
        }
        long after = settledHeapUsed();
        System.out.printf(
                "mandates=%d retained≈%.1f MB (%.0f bytes each); the last root is %s%n",
                opened,
                (after - before) / 1e6,
                (after - before) / (double) opened,
                registry.checkLive(root)); // keeps the registry reachable until after the measurement
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

/**
 * Benchmarks (JMH) and load drivers. Run them from {@code bench/target/benchmarks.jar}; see docs/performance.md for
 * the commands and the measured figures.
 */
@NullMarked
package dev.mandate.bench;

import org.jspecify.annotations.NullMarked;

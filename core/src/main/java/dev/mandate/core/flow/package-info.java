/**
 * Flow labels: the small lattice that records what kind of data a task has touched (sensitivity, categories such as
 * {@code pii}, integrity), the per-mandate state that only grows, and the memory of labels written into stores, so
 * that policies can speak of where data came from and memory cannot launder it.
 */
@NullMarked
package dev.mandate.core.flow;

import org.jspecify.annotations.NullMarked;

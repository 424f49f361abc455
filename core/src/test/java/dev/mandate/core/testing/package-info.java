/** Fakes of what Mandate owns (clock, audit sink, in-memory ports) for core's tests. */
@NullMarked
package dev.mandate.core.testing;

import org.jspecify.annotations.NullMarked;

/**
 * Access explanation: who could be allowed what, and under which conditions. The analysis evaluates the policies in
 * force with concrete requests for every agent, purpose and catalogued tool over a small set of representative contexts
 * (flow labels empty or holding one category or sensitivity, untrusted content seen, approval granted or not, a root or
 * a delegated mandate), and derives the conditions from which variants allow. It also finds toxic flows: mandates that
 * could read sensitive data, see untrusted content and call an egress tool, and permits broader than any catalog needs.
 */
@NullMarked
package dev.mandate.core.access;

import org.jspecify.annotations.NullMarked;

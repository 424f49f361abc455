/**
 * A runner for the Cedar integration-test format: it reads every test under a directory, decides every
 * request with this library and reports each mismatch with the expected decision, reasons and errors.
 */
@NullMarked
package dev.mandate.cedar.conformance;

import org.jspecify.annotations.NullMarked;

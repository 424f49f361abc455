/**
 * The command-line client of the REST control plane: connection options shared by every command that talks to a
 * running node, and the HTTP client that turns the node's JSON errors back into {@code MandateException}s with the
 * same stable codes (and so the same exit codes).
 */
@NullMarked
package dev.mandate.app.cli;

import org.jspecify.annotations.NullMarked;

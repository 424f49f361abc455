/**
 * Mandate's shared vocabulary: the one unchecked exception every layer throws and the stable error codes that HTTP
 * statuses, JSON-RPC codes and CLI exit codes are mapped from.
 */
@NullMarked
package dev.mandate.core;

import org.jspecify.annotations.NullMarked;

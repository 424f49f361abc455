/**
 * Configuration of a Mandate node: the known keys with their defaults and rules, and the loader that layers an
 * optional YAML file, {@code MANDATE_*} environment variables and command-line flags, refusing anything unknown or
 * invalid with a message that names the key, the value, where it came from and the rule it broke.
 */
@NullMarked
package dev.mandate.app.config;

import org.jspecify.annotations.NullMarked;

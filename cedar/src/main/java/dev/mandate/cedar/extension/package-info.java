/**
 * Cedar's extension types ({@code ipaddr}, {@code decimal}, {@code datetime}, {@code duration}) as immutable
 * values with the reference implementation's parsing rules, equality, ordering and operations, so the
 * evaluator, the entity loader and the schema validator all agree on what a literal such as
 * {@code ip("10.0.0.0/8")} means. Every parse failure and arithmetic overflow is an {@link
 * dev.mandate.cedar.extension.ExtensionException} naming the bad value and the broken rule.
 */
@NullMarked
package dev.mandate.cedar.extension;

import org.jspecify.annotations.NullMarked;

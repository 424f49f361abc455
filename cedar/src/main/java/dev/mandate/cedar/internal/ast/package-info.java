/**
 * The syntax tree of parsed Cedar policies: expressions and scope constraints as immutable records, the
 * shared input of the evaluator and the authorizer's index.
 */
@NullMarked
package dev.mandate.cedar.internal.ast;

import org.jspecify.annotations.NullMarked;

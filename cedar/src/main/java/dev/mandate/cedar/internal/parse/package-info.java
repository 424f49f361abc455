/**
 * The Cedar policy text parser: a hand-written lexer and recursive-descent parser that turn policy text
 * into the syntax tree of {@code internal.ast}, with errors that give line, column and the rule broken.
 */
@NullMarked
package dev.mandate.cedar.internal.parse;

import org.jspecify.annotations.NullMarked;

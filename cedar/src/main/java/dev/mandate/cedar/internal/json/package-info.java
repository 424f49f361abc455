/**
 * The Cedar JSON formats for values, entities, contexts and requests, optionally guided by a schema
 * (through the small {@link dev.mandate.cedar.internal.json.SchemaView}) so that extension values may be
 * written as plain strings and entity references as {@code {type, id}}.
 */
@NullMarked
package dev.mandate.cedar.internal.json;

import org.jspecify.annotations.NullMarked;

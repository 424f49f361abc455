/**
 * The Cedar schema: the entity types (parents, attributes, tags, enumerated ids) and actions (groups,
 * principal and resource types, context) an application declares, read from the human-readable
 * {@code .cedarschema} syntax or the JSON schema format into one immutable, fully resolved model. Common types
 * are inlined and every type name is resolved with the reference implementation's rules, so the authorizer and
 * the validator never see an unresolved name.
 */
@NullMarked
package dev.mandate.cedar.schema;

import org.jspecify.annotations.NullMarked;

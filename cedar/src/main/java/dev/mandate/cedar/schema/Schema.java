package dev.mandate.cedar.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resolved Cedar schema: every declared entity type and action, with common types inlined and every type
 * name fully qualified. Two schemas are equal when they declare the same entity types and actions with the
 * same resolved types, however they were written.
 *
 * @param entityTypes fully-qualified entity type name (like {@code NS::User}, or {@code User} outside any
 *     namespace) to its declaration, in declaration order
 * @param actions action uid to its declaration, in declaration order
 */
public record Schema(Map<String, EntityTypeDecl> entityTypes, Map<ActionRef, ActionDecl> actions) {
    /** The longest schema text (Cedar or JSON) accepted, in characters. */
    public static final int MAX_INPUT_CHARS = 4 * 1024 * 1024;

    /** The deepest nesting of set and record types accepted. */
    public static final int MAX_NESTING_DEPTH = 32;

    /** Copies both maps into unmodifiable ones that keep their order. */
    public Schema {
        entityTypes = Collections.unmodifiableMap(new LinkedHashMap<>(entityTypes));
        actions = Collections.unmodifiableMap(new LinkedHashMap<>(actions));
    }

    /**
     * Reads the human-readable {@code .cedarschema} syntax.
     *
     * @param text the schema text
     * @return the resolved schema
     * @throws SchemaParseException for a syntax error, an undefined, duplicate or shadowing name, a cycle among
     *     common types or action groups, or text beyond {@link #MAX_INPUT_CHARS} or {@link #MAX_NESTING_DEPTH};
     *     the message starts with {@code line:column}
     */
    public static Schema parseCedar(String text) {
        checkSize(text);
        return SchemaResolver.resolve(CedarSchemaParser.parse(text));
    }

    /**
     * Reads the JSON schema format ({@code {"NS": {"entityTypes": ..., "actions": ..., "commonTypes": ...}}}).
     *
     * @param json the schema document
     * @return the resolved schema
     * @throws SchemaParseException for malformed JSON, an unknown member, or any error {@link #parseCedar} reports;
     *     the message names the JSON path of the bad member
     */
    public static Schema parseJson(String json) {
        checkSize(json);
        return SchemaResolver.resolve(JsonSchemaReader.read(json));
    }

    /**
     * Writes this schema in the human-readable syntax; {@link #parseCedar} maps the text back to an equal
     * schema. Common types are not recreated: their definitions appear inline.
     *
     * @return the schema text
     * @throws IllegalStateException if the schema uses {@code additionalAttributes}, which the Cedar syntax cannot
     *     express
     */
    public String toCedar() {
        return CedarSchemaPrinter.print(this);
    }

    private static void checkSize(String text) {
        if (text.length() > MAX_INPUT_CHARS) {
            throw new SchemaParseException(
                    0,
                    0,
                    "schema of " + text.length() + " characters is longer than the limit " + MAX_INPUT_CHARS
                            + " (Schema.MAX_INPUT_CHARS)");
        }
    }
}

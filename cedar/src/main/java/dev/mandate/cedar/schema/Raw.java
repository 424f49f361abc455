package dev.mandate.cedar.schema;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The schema as written, before names are resolved: what both the Cedar-syntax parser and the JSON reader
 * produce, so one resolver applies the reference's rules to both.
 */
final class Raw {
    private Raw() {}

    /** Where something was written: line and column in Cedar text, or a JSON path. */
    record Pos(int line, int column, String path) {
        static final Pos NONE = new Pos(0, 0, "");

        SchemaParseException error(String message) {
            return new SchemaParseException(line, column, path.isEmpty() ? message : "at " + path + ": " + message);
        }
    }

    record Document(List<Namespace> namespaces) {}

    record Namespace(String name, List<Entity> entities, List<Action> actions, List<Common> commons, Pos pos) {}

    record Entity(
            String name,
            List<Ref> memberOf,
            @Nullable Type shape,
            @Nullable Type tags,
            @Nullable List<String> enumIds,
            Pos pos) {}

    record Common(String name, Type type, Pos pos) {}

    record Action(
            String id, List<ActionRef> memberOf, @Nullable AppliesTo appliesTo, Pos pos) {}

    /** A reference to an action: {@code type} is null for a bare id (the namespace's {@code Action}). */
    record ActionRef(@Nullable String type, String id, Pos pos) {}

    record AppliesTo(
            List<Ref> principals,
            List<Ref> resources,
            @Nullable Type context) {}

    /** How a name may resolve. */
    enum Kind {
        /** Common type, then entity type, then builtin (Cedar syntax, JSON {@code EntityOrCommon}). */
        ANY,
        /** Entity types only. */
        ENTITY,
        /** Common types, then builtins (JSON type references, Cedar {@code context: Name}). */
        COMMON
    }

    sealed interface Type {}

    record Ref(String name, Kind kind, Pos pos) implements Type {}

    record SetT(Type element) implements Type {}

    record RecordT(Map<String, Attr> attributes, boolean additional) implements Type {}

    record Attr(Type type, boolean required) {}

    /** A builtin type named by a JSON keyword ({@code Long}, {@code String}, {@code Boolean}, {@code Extension}). */
    record Builtin(SchemaType type) implements Type {}
}

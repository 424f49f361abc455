package dev.mandate.cedar.schema;

import java.util.Objects;

/**
 * The uid of an action entity.
 *
 * @param type the fully-qualified action entity type, {@code Action} or {@code NS::Action}
 * @param id the action's id, like {@code view}
 */
public record ActionRef(String type, String id) {
    /** Checks both parts are present. */
    public ActionRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    /** Returns the Cedar literal, like {@code NS::Action::"view"}. */
    @Override
    public String toString() {
        return type + "::" + CedarSchemaPrinter.quote(id);
    }
}

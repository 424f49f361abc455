package dev.mandate.cedar;

import dev.mandate.cedar.internal.json.SchemaAdapter;
import dev.mandate.cedar.schema.Schema;
import java.util.Objects;

/**
 * An authorization request: who ({@code principal}) wants to do what ({@code action}) to what
 * ({@code resource}), with a {@code context} record.
 *
 * @param principal the principal
 * @param action the action
 * @param resource the resource
 * @param context the context record
 */
public record Request(EntityUid principal, EntityUid action, EntityUid resource, RecordValue context) {
    /** Validates the parts. */
    public Request {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(context, "context");
    }

    /**
     * Checks this request against a schema as the reference does with request validation on: the action is
     * declared, the principal and resource types are among those it applies to (and among the ids of an
     * enumerated type), and the context conforms to the declared context type.
     *
     * @param schema the schema
     * @throws CedarException naming the part that does not match
     */
    public void validate(Schema schema) {
        new SchemaAdapter(schema).validate(this);
    }
}

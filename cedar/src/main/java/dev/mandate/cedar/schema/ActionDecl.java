package dev.mandate.cedar.schema;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A declared action. An action declared without {@code appliesTo} has no principal and no resource types, so
 * no request for it is valid.
 *
 * @param uid the action's uid
 * @param memberOf the action groups it is directly in
 * @param principalTypes fully-qualified entity types allowed as principal
 * @param resourceTypes fully-qualified entity types allowed as resource
 * @param context the type of the request context (the empty record when not declared)
 */
public record ActionDecl(
        ActionRef uid,
        Set<ActionRef> memberOf,
        Set<String> principalTypes,
        Set<String> resourceTypes,
        SchemaType.RecordType context) {
    /** Copies the sets into unmodifiable ones that keep declaration order. */
    public ActionDecl {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(context, "context");
        memberOf = Collections.unmodifiableSet(new LinkedHashSet<>(memberOf));
        principalTypes = Collections.unmodifiableSet(new LinkedHashSet<>(principalTypes));
        resourceTypes = Collections.unmodifiableSet(new LinkedHashSet<>(resourceTypes));
    }
}

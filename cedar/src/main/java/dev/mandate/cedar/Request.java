package dev.mandate.cedar;

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
}

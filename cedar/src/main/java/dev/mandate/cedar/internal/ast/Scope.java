package dev.mandate.cedar.internal.ast;

import dev.mandate.cedar.EntityUid;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One scope constraint of a policy head (on principal, action or resource). */
public sealed interface Scope {

    /** No constraint. */
    record Any() implements Scope {}

    /** {@code == uid}; {@code uid} null means the slot {@code slot}. */
    record Eq(@Nullable EntityUid uid, @Nullable String slot) implements Scope {}

    /** {@code in uid}; {@code uid} null means the slot {@code slot}. */
    record In(@Nullable EntityUid uid, @Nullable String slot) implements Scope {}

    /** {@code in [uid, ...]} (actions only). */
    record InSet(List<EntityUid> uids) implements Scope {
        /** Copies the list. */
        public InSet {
            uids = List.copyOf(uids);
        }
    }

    /** {@code is Type}, optionally {@code is Type in uid}. */
    record Is(String entityType, @Nullable In in) implements Scope {}
}

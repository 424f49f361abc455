package dev.mandate.core.audit;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One event to record, before the log gives it a sequence number, a time and a place in the hash chain.
 *
 * @param type what happened, dotted lower case, e.g. {@code mandate.revoked}, {@code lease.issued}
 * @param actor who did it: a SPIFFE ID, {@code admin}, or {@code system}
 * @param subject what it was done to: an agent's SPIFFE ID, a mandate id, a lease id
 * @param reason why, in words, or null
 * @param details further facts as text; digests instead of secrets
 */
public record AuditEntry(
        String type, String actor, String subject, @Nullable String reason, Map<String, String> details) {
    /** The longest value of any field or detail accepted. */
    public static final int MAX_FIELD_LENGTH = 4096;

    // Compiled once: revoking a large delegation tree builds one entry per mandate.
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+");

    /** Validates the fields and copies the details. */
    public AuditEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(subject, "subject");
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("audit event type '" + type + "' must be dotted lower case");
        }
        details = Map.copyOf(details);
        for (Map.Entry<String, String> e : details.entrySet()) {
            if (e.getValue().length() > MAX_FIELD_LENGTH) {
                throw new IllegalArgumentException(
                        "audit detail '" + e.getKey() + "' is longer than " + MAX_FIELD_LENGTH + " characters");
            }
        }
    }
}

package dev.mandate.core.oauth;

import dev.mandate.core.mandate.Scope;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One RFC 9396 authorization detail of type {@value #TYPE}: the task a mandate is asked for.
 *
 * @param purpose the task's purpose; for a delegation, null means the parent's
 * @param tools the tools asked for; for a delegation, null means the parent's
 * @param resources the resources asked for; for a delegation, null means the parent's
 * @param ttl how long the mandate lives between heartbeats, or null for the default
 * @param onBehalfOf a principal's ID token, or null
 */
public record MandateDetails(
        @Nullable String purpose,
        @Nullable Set<String> tools,
        @Nullable Set<String> resources,
        @Nullable Duration ttl,
        @Nullable String onBehalfOf) {
    /** The {@code type} of the authorization detail. */
    public static final String TYPE = "mandate";

    /** Validates the names. */
    public MandateDetails {
        if (purpose != null) {
            Scope.purpose(purpose);
        }
        tools = tools == null ? null : Scope.names("tools", tools);
        resources = resources == null ? null : Scope.names("resources", resources);
    }
}

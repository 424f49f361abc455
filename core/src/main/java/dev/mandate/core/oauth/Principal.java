package dev.mandate.core.oauth;

import dev.mandate.core.flow.Sensitivity;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The principal a mandate acts for, from a verified ID token.
 *
 * @param name {@code <issuer>#<subject>}
 * @param clearance the highest sensitivity the principal may read; the gateway withholds from the agent whatever is
 *     labelled above it
 */
public record Principal(String name, Sensitivity clearance) {
    /** Checks the fields. */
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clearance, "clearance");
    }

    /**
     * Creates a principal from its ID token's {@code clearance} claim. A principal without the claim, or with a value
     * that is not a sensitivity, gets the most restrictive clearance, {@code public}: an unknown clearance must not read
     * more than the least cleared person could.
     *
     * @param name {@code <issuer>#<subject>}
     * @param claim the {@code clearance} claim, or null
     * @return the principal
     */
    public static Principal of(String name, @Nullable String claim) {
        Sensitivity clearance = Sensitivity.PUBLIC;
        if (claim != null) {
            for (Sensitivity s : Sensitivity.values()) {
                if (s.wireName().equals(claim)) {
                    clearance = s;
                }
            }
        }
        return new Principal(name, clearance);
    }
}

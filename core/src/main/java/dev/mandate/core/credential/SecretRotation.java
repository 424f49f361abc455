package dev.mandate.core.credential;

import dev.mandate.core.MandateException;

/**
 * Sets a new password on a shared account at the system that checks it (e.g. {@code ALTER ROLE ... PASSWORD} in
 * PostgreSQL) and ends the sessions opened with the old one, so that a copy of the old value stops working.
 */
@FunctionalInterface
public interface SecretRotation {
    /**
     * Makes {@code newSecret} the account's only valid secret.
     *
     * @param newSecret the new value, letters and digits only
     * @throws MandateException with {@code UNAVAILABLE} if the system cannot be reached; the old secret stays valid
     */
    void rotate(Secret newSecret);
}

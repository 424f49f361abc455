package dev.mandate.core.credential;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A legacy shared service account that leases check out one at a time.
 *
 * @param scope the name a lease asks for, lower case letters, digits and dashes
 * @param properties non-secret facts handed out with the secret, e.g. {@code username}, {@code url}
 * @param rotation how to set a new secret on the account
 */
public record SharedAccount(String scope, Map<String, String> properties, SecretRotation rotation) {
    private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Validates the scope name and copies the properties. */
    public SharedAccount {
        if (!SCOPE.matcher(scope).matches()) {
            throw new IllegalArgumentException("shared account name '" + scope + "' must match " + SCOPE.pattern());
        }
        properties = Map.copyOf(properties);
        Objects.requireNonNull(rotation, "rotation");
    }
}

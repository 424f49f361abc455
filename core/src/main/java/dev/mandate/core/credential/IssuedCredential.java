package dev.mandate.core.credential;

import java.util.Map;
import java.util.Objects;

/**
 * A credential as a backend issued it: public facts a client needs beside the secret (user name, URL, header name),
 * and the secret. Its {@code toString} never shows the secret.
 *
 * @param properties non-secret facts, e.g. {@code username}, {@code url}
 * @param secret the password or token
 */
public record IssuedCredential(Map<String, String> properties, Secret secret) {
    /** Copies the properties. */
    public IssuedCredential {
        properties = Map.copyOf(properties);
        Objects.requireNonNull(secret, "secret");
    }
}

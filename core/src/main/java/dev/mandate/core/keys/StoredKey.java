package dev.mandate.core.keys;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One signing key as a {@link KeyRepository} persists it. The private JWK is secret: it never appears in
 * {@link #toString()}, a log line or an error message.
 *
 * @param kid the key id, the JWK thumbprint of the public key
 * @param privateJwk the key pair as a JWK JSON object, private part included
 * @param createdAt when the key was generated
 * @param retiredAt when a newer key replaced it as the signing key, or null while it is the current key
 */
public record StoredKey(
        String kid,
        String privateJwk,
        Instant createdAt,
        @Nullable Instant retiredAt) {
    /** The longest key id accepted. */
    public static final int MAX_KID_LENGTH = 100;

    /** Validates the fields. */
    public StoredKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(privateJwk, "privateJwk");
        Objects.requireNonNull(createdAt, "createdAt");
        if (kid.isEmpty() || kid.length() > MAX_KID_LENGTH) {
            throw new IllegalArgumentException("a key id must be 1-" + MAX_KID_LENGTH + " characters: '" + kid + "'");
        }
    }

    @Override
    public String toString() {
        return "StoredKey[kid=" + kid + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + ", privateJwk=***]";
    }
}

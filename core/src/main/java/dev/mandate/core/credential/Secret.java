package dev.mandate.core.credential;

import dev.mandate.core.audit.AuditDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A secret value (password, token) that never prints itself: {@link #toString()} is redacted, so a secret that ends up
 * in a log line, an exception message or a record's {@code toString} is not revealed. Read it only with
 * {@link #reveal()}, at the point where it is handed to the system that needs it.
 */
public final class Secret {
    /** The longest secret accepted, in characters. */
    public static final int MAX_LENGTH = 16_384;

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the secret; non-empty, at most {@link #MAX_LENGTH} characters
     * @return the wrapped secret
     * @throws IllegalArgumentException if the value is empty or too long (the message does not contain it)
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "a secret must be 1 to " + MAX_LENGTH + " characters, got " + value.length());
        }
        return new Secret(value);
    }

    /**
     * Generates a random secret of letters and digits, safe to place inside a quoted SQL literal or a header.
     *
     * @param length how many characters, 16 to 256
     * @return the secret
     * @throws IllegalArgumentException if the length is out of range
     */
    public static Secret generate(int length) {
        if (length < 16 || length > 256) {
            throw new IllegalArgumentException("a generated secret is 16 to 256 characters, got " + length);
        }
        char[] out = new char[length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new Secret(new String(out));
    }

    /**
     * Returns the secret in clear. Call it only to hand the value to the system that needs it; never log the result.
     *
     * @return the secret value
     */
    public String reveal() {
        return value;
    }

    /**
     * Returns the audit log's digest of the secret, which identifies it without revealing it.
     *
     * @return {@code sha256:<hex>}
     */
    public String digest() {
        return AuditDigest.of(value);
    }

    /** Returns a redacted placeholder, never the secret. */
    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}

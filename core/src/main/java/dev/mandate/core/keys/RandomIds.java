package dev.mandate.core.keys;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unguessable identifiers (mandate ids, token ids): 128 bits from a cryptographically strong generator, base64url.
 *
 * <p>Why not one {@code new SecureRandom()}: on Linux that is NativePRNG, whose instances all share one lock around
 * {@code /dev/urandom} and a SHA1PRNG mixer, so every exchange on the node queued on it. Here several NIST SP 800-90A
 * DRBG instances ({@code SecureRandom.getInstance("DRBG")}, each seeded separately from the system's entropy source
 * and reseeded as the JDK's DRBG does) share the load; a caller picks one at random. Which generator serves a caller
 * does not need to be unpredictable, only the bytes, which every instance produces with the same strength.
 */
public final class RandomIds {
    private static final int STRIPES = 8;
    private static final SecureRandom[] GENERATORS = new SecureRandom[STRIPES];

    static {
        for (int i = 0; i < STRIPES; i++) {
            try {
                GENERATORS[i] = SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no DRBG SecureRandom (JDK 9 and later always do)", e);
            }
        }
    }

    private RandomIds() {}

    /**
     * Returns 128 fresh random bits, base64url-encoded without padding (22 characters).
     *
     * @return the id
     */
    public static String next128() {
        byte[] b = new byte[16];
        GENERATORS[ThreadLocalRandom.current().nextInt(STRIPES)].nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

package dev.mandate.core.keys;

import java.time.Instant;
import java.util.List;

/**
 * Storage port for signing key sets. A key set is named ({@code mandate}, {@code jwt-svid}, {@code x509-ca}, ...) so
 * that one store holds every set Mandate signs with. Implementations keep private keys only in the store and never log
 * them.
 */
public interface KeyRepository {
    /**
     * Returns every stored key of a set, oldest first.
     *
     * @param keySet the set's name
     * @return the keys, possibly none
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    List<StoredKey> load(String keySet);

    /**
     * Makes {@code next} the set's current key in one transaction: every key of the set that is not yet retired is
     * retired at {@code next.createdAt()}, then {@code next} is added.
     *
     * @param keySet the set's name
     * @param next the new current key; its {@code retiredAt} is null
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be written, or
     *     {@code CONFLICT} if a key with the same id exists
     */
    void rotate(String keySet, StoredKey next);

    /**
     * Deletes the keys of a set retired before {@code cutoff}: no token they signed can still be valid.
     *
     * @param keySet the set's name
     * @param cutoff keys retired strictly before this instant are deleted
     * @return how many keys were deleted
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be written
     */
    int removeRetiredBefore(String keySet, Instant cutoff);
}

package dev.mandate.core.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed statement that the audit log's event {@code seq} had hash {@code hash}: a JWS over the claims
 * {@code seq}, {@code hash} and {@code iat}, signed through {@link dev.mandate.core.keys.SigningKeys} with type
 * {@value #JWT_TYPE}. A verifier with Mandate's public keys can check the chain up to {@code seq} without trusting
 * the store.
 *
 * @param seq the sequence number of the last event covered
 * @param hash that event's hash (hex)
 * @param time when the checkpoint was made
 * @param signature the compact JWS
 */
public record AuditCheckpoint(long seq, String hash, Instant time, String signature) {
    /** The JOSE {@code typ} of checkpoint signatures. */
    public static final String JWT_TYPE = "audit-checkpoint+jwt";

    /** Validates. */
    public AuditCheckpoint {
        if (seq < 1) {
            throw new IllegalArgumentException("checkpoint sequence number < 1: " + seq);
        }
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(signature, "signature");
    }
}

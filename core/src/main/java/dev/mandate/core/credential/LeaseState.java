package dev.mandate.core.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Locale;

/** Where a lease is in its life. Only {@code ACTIVE} and {@code REVOKING} leases may still have a live credential. */
public enum LeaseState {
    /** The credential was issued and may be used until the lease expires. */
    ACTIVE,
    /** The lease ended but the backend has not yet confirmed that the credential is gone; revocation is retried. */
    REVOKING,
    /** The lease was revoked and the backend confirmed the credential is gone. */
    REVOKED,
    /** The lease reached its expiry and the backend confirmed the credential is gone. */
    EXPIRED;

    /**
     * Tells whether a credential may still exist at the backend.
     *
     * @return true for {@code ACTIVE} and {@code REVOKING}
     */
    public boolean isLive() {
        return switch (this) {
            case ACTIVE, REVOKING -> true;
            case REVOKED, EXPIRED -> false;
        };
    }

    /**
     * Returns the name used on the wire and in the store.
     *
     * @return e.g. {@code revoking}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @param text e.g. {@code active}
     * @return the state
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the accepted names
     */
    public static LeaseState parse(String text) {
        for (LeaseState s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new MandateException(
                ErrorCode.BAD_REQUEST,
                "unknown lease state '" + text + "': expected one of active, revoking, revoked, expired");
    }
}

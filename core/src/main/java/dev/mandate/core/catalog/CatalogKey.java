package dev.mandate.core.catalog;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/**
 * Names one catalog entry.
 *
 * @param kind tool, resource or prompt
 * @param server the upstream server's configured name
 * @param name the upstream's own name for it (a resource's URI)
 */
public record CatalogKey(CatalogKind kind, String server, String name) {
    /** The longest name accepted (resource URIs can be long). */
    public static final int MAX_NAME_LENGTH = 2048;

    /** Checks that both names are present and bounded. */
    public CatalogKey {
        if (server.isEmpty() || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "invalid catalog key " + kind + " '" + server + "' '" + name + "': server and name must be 1-"
                            + MAX_NAME_LENGTH + " characters");
        }
    }
}

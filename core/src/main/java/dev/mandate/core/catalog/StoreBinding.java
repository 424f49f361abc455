package dev.mandate.core.catalog;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Marks a tool or resource as a store that remembers the labels of what was written into it.
 *
 * @param store the store's name, shared by every tool that reads or writes the same data
 * @param keyArgument the argument naming the key a call reads or writes, or null when a call touches the whole store
 *     (a resource's key is its URI)
 * @param access whether calls read, write, or both
 */
public record StoreBinding(String store, @Nullable String keyArgument, Access access) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** How a tool uses its store. */
    public enum Access {
        /** Results carry what was written to the key read. */
        READ,
        /** The caller's labels are remembered under the key written. */
        WRITE,
        /** Both. */
        READ_WRITE;

        /**
         * Whether calls read the store.
         *
         * @return true for READ and READ_WRITE
         */
        public boolean reads() {
            return this != WRITE;
        }

        /**
         * Whether calls write the store.
         *
         * @return true for WRITE and READ_WRITE
         */
        public boolean writes() {
            return this != READ;
        }
    }

    /** Validates the store name. */
    public StoreBinding {
        if (!NAME.matcher(store).matches()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "invalid store name '" + store + "': 1-64 characters of A-Z a-z 0-9 _ . -");
        }
    }
}

package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/** Something an allow obliges the gateway to do to the result before the agent sees it. */
public sealed interface Obligation {
    /**
     * Remove the fields a path selects from the result ({@code @redact("<path>")} on a policy).
     *
     * @param path {@code $} followed by {@code .name}, {@code [n]} or {@code [*]} steps, e.g.
     *     {@code $.structuredContent.ssn} or {@code $.content[*].annotations}
     */
    record Redact(String path) implements Obligation {
        /** The longest path accepted. */
        public static final int MAX_PATH_LENGTH = 512;

        /** Checks the path's shape. */
        public Redact {
            if (!path.startsWith("$") || path.length() > MAX_PATH_LENGTH || path.length() < 2) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST,
                        "invalid redact path '" + path + "': must start with $ and have 2-" + MAX_PATH_LENGTH
                                + " characters, e.g. $.structuredContent.ssn");
            }
        }
    }
}

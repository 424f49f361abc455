package dev.mandate.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as the audit log stores them instead of secrets, tokens and raw arguments. */
public final class AuditDigest {
    private AuditDigest() {}

    /**
     * Returns {@code sha256:<hex>} of the UTF-8 bytes of {@code text}.
     *
     * @param text what to digest; it never appears in the result
     * @return the digest in the audit log's notation
     */
    public static String of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Returns {@code sha256:<hex>} of {@code bytes}.
     *
     * @param bytes what to digest
     * @return the digest in the audit log's notation
     */
    public static String of(byte[] bytes) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

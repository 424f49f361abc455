package dev.mandate.app.http;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The admin credential of the REST control plane: a random bearer token kept in {@code <data-dir>/admin.token}
 * (mode 0600), created on first start. Its value is never printed or logged; compare with {@link #matches}.
 */
public final class AdminToken {
    /** The file name inside the data directory. */
    public static final String FILE_NAME = "admin.token";

    private static final String PREFIX = "mandate_admin_";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] value;

    private AdminToken(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the admin token from the data directory, creating it (mode 0600) if it does not exist yet.
     *
     * @param dataDir the data directory, which exists
     * @return the token
     * @throws MandateException with {@code BAD_CONFIG} if the file is unreadable, empty, or readable by others
     */
    public static AdminToken loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
                    return new AdminToken(token);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it between our check and create: read theirs
                }
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        file + " is readable or writable by others (mode " + PosixFilePermissions.toString(perms)
                                + "); it holds the admin credential: chmod 600 it");
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG, file + " is empty; delete it to have a new admin token created");
            }
            return new AdminToken(token);
        } catch (IOException e) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "cannot read or create the admin token " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Tells, in constant time, whether a presented bearer token is the admin token.
     *
     * @param presented the token from the {@code Authorization} header
     * @return true if it matches
     */
    public boolean matches(String presented) {
        return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AdminToken[***]";
    }
}

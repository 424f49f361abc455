package dev.mandate.app;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Prepares the data directory: creates it owner-only if missing and proves it is writable before anything uses it. */
final class DataDirectory {
    private DataDirectory() {}

    static Path prepare(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (!Files.exists(abs)) {
                Files.createDirectories(
                        abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.isDirectory(abs)) {
                throw bad(abs, "it exists but is not a directory");
            }
            Path probe = Files.createTempFile(abs, ".write-probe", ".tmp");
            Files.delete(probe);
            return abs;
        } catch (IOException | SecurityException e) {
            throw bad(abs, "it cannot be created or written (" + e + ")");
        }
    }

    private static MandateException bad(Path dir, String why) {
        return new MandateException(
                ErrorCode.BAD_CONFIG,
                "data directory " + dir + " (configuration key 'data-dir') is unusable: " + why
                        + "; choose another with --data-dir or MANDATE_DATA_DIR");
    }
}

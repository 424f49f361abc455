package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.MandateException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DataDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void missingDirectoryIsCreatedOwnerOnly() throws Exception {
        Path dir = DataDirectory.prepare(tmp.resolve("a/b"));
        assertThat(dir).isDirectory();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefusedNamingTheKey() throws Exception {
        Path file = Files.createFile(tmp.resolve("taken"));
        assertThatThrownBy(() -> DataDirectory.prepare(file))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("'data-dir'")
                .hasMessageContaining("not a directory");
    }
}

package dev.mandate.cedar.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The Cedar conformance data kept beside the repository ({@code ../shared/conformance/cedar}, located by the system
 * property {@code mandate.shared.dir}), unpacked for the tests that run it.
 */
public final class CedarCorpus {
    private CedarCorpus() {}

    /**
     * Unpacks the generated corpus and the hand-written tests into {@code root}, once: a marker file per archive
     * remembers that it was done.
     *
     * @param root where to unpack, e.g. {@code target/conformance}
     * @return {@code root}, the directory the tests' paths are relative to
     * @throws IOException if an archive cannot be read, or an entry would land outside {@code root}
     */
    public static Path unpack(Path root) throws IOException {
        Path shared = Path.of(System.getProperty("mandate.shared.dir", "../../shared"), "conformance", "cedar");
        for (String archive : List.of("corpus-tests.tar.gz", "handwritten-tests.tar.gz")) {
            Path marker = root.resolve("." + archive + ".unpacked");
            if (Files.exists(marker)) {
                continue;
            }
            untar(shared.resolve(archive), root);
            Files.createFile(marker);
        }
        return root;
    }

    private static void untar(Path archive, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("archive entry escapes the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else if (e.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}

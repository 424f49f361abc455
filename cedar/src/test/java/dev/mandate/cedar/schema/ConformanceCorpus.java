package dev.mandate.cedar.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The Cedar conformance corpus ({@code <mandate.shared.dir>/conformance/cedar/*.tar.gz}), unpacked once per
 * build into {@code target/conformance-cedar}.
 */
final class ConformanceCorpus {
    private static final Path TARGET = Path.of("target", "conformance-cedar");
    private static boolean unpacked;

    private ConformanceCorpus() {}

    static synchronized Path root() {
        if (!unpacked) {
            try {
                unpack();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            unpacked = true;
        }
        return TARGET;
    }

    /** Every {@code .cedarschema} file of the corpus, sorted by path. */
    static List<Path> schemas() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(p -> p.toString().endsWith(".cedarschema"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unpack() throws IOException {
        String shared = System.getProperty("mandate.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("system property mandate.shared.dir is not set (the parent pom sets it)");
        }
        Path marker = TARGET.resolve(".unpacked");
        if (Files.exists(marker)) {
            return;
        }
        Files.createDirectories(TARGET);
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> dir =
                Files.newDirectoryStream(Path.of(shared, "conformance", "cedar"), "*.tar.gz")) {
            dir.forEach(archives::add);
        }
        if (archives.isEmpty()) {
            throw new IllegalStateException("no *.tar.gz under " + Path.of(shared, "conformance", "cedar"));
        }
        Path base = TARGET.toAbsolutePath().normalize();
        for (Path archive : archives) {
            try (InputStream in = Files.newInputStream(archive);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = base.resolve(entry.getName()).normalize();
                    if (!out.startsWith(base)) {
                        throw new IOException("archive entry escapes the target directory: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isFile()) {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Files.writeString(marker, "ok");
    }
}

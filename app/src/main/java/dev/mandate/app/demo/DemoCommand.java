package dev.mandate.app.demo;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mandate demo}: starts a node with sample tool servers and policies, plays a scripted agent through it, then
 * leaves it running for the console until Ctrl-C ({@code --no-wait} exits with 0 if and only if every step came out
 * as expected).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Show Mandate end to end: sample tools, policies and a scripted agent, narrated.",
        description = {
            "",
            "Starts a node in a fresh data directory with built-in sample MCP servers",
            "(tickets, a customer database on an embedded PostgreSQL, documents, an",
            "outbound webhook), a sample OIDC issuer, a catalog and sample Cedar",
            "policies, then plays a scripted agent: the lethal trifecta, an approval",
            "bound to one call, laundering through a sub-agent, a search on a person's",
            "behalf that withholds what she may not read, credentials revoked with the",
            "task, the kill switch, and the audit chain. See docs/demo.md.",
            "",
            "Exit codes: 0 every step as expected (with --no-wait), 1 a step was not,",
            "  69 something could not start.",
            ""
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--data-dir",
            paramLabel = "<dir>",
            description = "Where the demo keeps its node and database (kept afterwards); must be empty or absent."
                    + " Default: a new temporary directory, deleted at exit.")
    @Nullable
    Path dataDir;

    @Option(
            names = "--listen",
            paramLabel = "<host:port>",
            description = "Address of the node; port 0 picks a free port. Default 127.0.0.1:0.")
    String listen = "127.0.0.1:0";

    @Option(names = "--no-wait", description = "Exit after the script instead of leaving the node running.")
    boolean noWait;

    @Option(
            names = "--color",
            paramLabel = "<when>",
            description = "auto (when stdout is a terminal), always or never. Default auto.")
    String color = "auto";

    /** Creates the command (picocli calls this). */
    public DemoCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public Integer call() throws InterruptedException {
        quietLogs();
        PrintWriter out = spec.commandLine().getOut();
        Path dir = directory();
        out.println("mandate demo: starting sample tool servers, PostgreSQL and a node in " + dir + " ...");
        out.flush();
        boolean temporary = dataDir == null;
        DemoEstate estate;
        try {
            estate = DemoEstate.start(dir, listen);
        } catch (RuntimeException e) {
            removeIfTemporary(dir, temporary);
            throw e;
        }
        boolean closed = false;
        try {
            Narrator say = new Narrator(out, colour());
            DemoScript script = new DemoScript(estate, say);
            String base = "http://127.0.0.1:" + estate.node().port();
            out.println("node: " + base + "   gateway: " + base + "/mcp   admin token: " + script.adminTokenFile());
            script.run();
            out.println();
            int code;
            if (say.mismatches().isEmpty()) {
                out.println("All " + say.steps() + " steps came out as expected.");
                code = 0;
            } else {
                for (Narrator.Mismatch m : say.mismatches()) {
                    out.println("Step " + m.step() + " (" + m.title() + ") expected "
                            + m.expected().wireName() + " but was " + m.actual().wireName() + ": " + m.reason());
                }
                code = 1;
            }
            if (noWait) {
                out.flush();
                return code;
            }
            out.println();
            out.println("The node keeps running: console " + base + "/ , REST " + base + "/v1/...");
            out.println("Log in with the admin token in " + script.adminTokenFile() + " (for the CLI: --server " + base
                    + " --token-file " + script.adminTokenFile() + ")");
            out.println("Press Ctrl-C to stop.");
            out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            closed = true;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    estate.close();
                                    removeIfTemporary(dir, temporary);
                                } finally {
                                    stopped.countDown();
                                }
                            },
                            "mandate-demo-shutdown"));
            stopped.await();
            return code;
        } finally {
            if (!closed) {
                estate.close();
                removeIfTemporary(dir, temporary);
            }
        }
    }

    /** Deletes the directory the demo created for itself; a directory the user named is kept for inspection. */
    private static void removeIfTemporary(Path dir, boolean temporary) {
        if (!temporary) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // Leftovers in the temporary directory are harmless; the OS cleans it.
        }
    }

    /**
     * Keeps the narration readable: warnings and errors only, and nothing from the SDK's client, which logs every
     * denial the narration already shows. A level the user set with -D wins. Takes effect for loggers not yet created.
     */
    private static void quietLogs() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        for (String quiet : new String[] {"io.modelcontextprotocol.client", "io.modelcontextprotocol.spec"}) {
            String key = "org.slf4j.simpleLogger.log." + quiet;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "off");
            }
        }
    }

    private Path directory() {
        try {
            if (dataDir == null) {
                return Files.createTempDirectory("mandate-demo-");
            }
            Files.createDirectories(dataDir);
            try (var entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new MandateException(
                            ErrorCode.BAD_CONFIG,
                            "demo: --data-dir " + dataDir + " is not empty; the demo starts from a fresh directory");
                }
            }
            return dataDir.toAbsolutePath();
        } catch (IOException e) {
            throw new MandateException(ErrorCode.UNAVAILABLE, "demo: cannot create the data directory: " + e, e);
        }
    }

    private boolean colour() {
        return switch (color) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> System.getenv("NO_COLOR") == null && isTerminal();
            default ->
                throw new MandateException(
                        ErrorCode.BAD_REQUEST, "--color '" + color + "': expected auto, always or never");
        };
    }

    /** Whether stdout is a terminal: {@code System.console()}, and on JDK 22+ its {@code isTerminal()}. */
    @SuppressWarnings("SystemConsoleNull") // handled: on JDK 22+ isTerminal() decides
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only when stdin and stdout are a terminal
        }
    }
}

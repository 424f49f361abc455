package dev.mandate.core.policy;

import dev.mandate.cedar.CedarException;
import dev.mandate.cedar.CedarParseException;
import dev.mandate.cedar.Effect;
import dev.mandate.cedar.Policy;
import dev.mandate.cedar.PolicySet;
import dev.mandate.core.audit.AuditDigest;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The policies in force: every {@code *.cedar} file of one directory, parsed and checked as one set. {@link #refresh}
 * re-reads the directory (the node calls it on a timer; tests call it directly): a changed set that loads replaces the
 * current one atomically; a broken one is rejected with the error ({@code file:line:column: detail}) kept in
 * {@link #lastError}, and the old set stays in force. Thread-safe.
 *
 * <p>Checks on load: the text parses; ids are unique; {@code @approval("<who>")} is only on forbids, {@code @redact}
 * only on permits with a path starting with {@code $}; templates are refused (nothing links them). A store opened with a
 * {@link PolicySchema} also type-checks every policy against it (Cedar's strict validation): a set with validation
 * errors is refused like a broken one. When the schema changes ({@link #useSchema}, e.g. an upstream's tool list
 * changed) the set in force is validated again; if it no longer validates it stays in force and the errors are kept
 * in {@link #lastError} until the files or the schema are fixed.
 */
public final class PolicyStore {
    /** The file extension read. */
    public static final String EXTENSION = ".cedar";
    /** The most policy files one directory may hold. */
    public static final int MAX_FILES = 1_000;
    /** The largest policy file accepted, in bytes. */
    public static final long MAX_FILE_BYTES = 1L << 20;
    /** The longest {@code @redact} path accepted. */
    public static final int MAX_REDACT_PATH = 512;

    private final @Nullable Path directory;
    private final InstantSource clock;
    private volatile PolicySnapshot current;
    private volatile @Nullable String lastError;
    private volatile @Nullable PolicySchema schema;
    // The texts of the set in force, to validate them again when the schema changes.
    private SortedMap<String, String> files;
    // Why the set in force does not validate against the latest schema, or null.
    private @Nullable String schemaError;

    private PolicyStore(
            @Nullable Path directory,
            InstantSource clock,
            SortedMap<String, String> files,
            @Nullable PolicySchema schema) {
        this.directory = directory;
        this.clock = clock;
        this.files = files;
        this.schema = schema;
        this.current = compile(files, clock.instant(), schema);
    }

    /**
     * Loads a directory of policy files.
     *
     * @param directory the directory
     * @param clock the clock stamped on each snapshot
     * @return the store
     * @throws PolicyLoadException with {@code BAD_CONFIG} when the directory cannot be read or a file is broken
     */
    public static PolicyStore open(Path directory, InstantSource clock) {
        return new PolicyStore(directory, clock, read(directory), null);
    }

    /**
     * Loads a directory of policy files and validates them against a schema.
     *
     * @param directory the directory
     * @param clock the clock stamped on each snapshot
     * @param schema the schema the policies must validate against
     * @return the store
     * @throws PolicyLoadException with {@code BAD_CONFIG} when the directory cannot be read, a file is broken, or a
     *     policy does not validate ({@code file:line:column: policy <id>: [rule] message})
     */
    public static PolicyStore open(Path directory, InstantSource clock, PolicySchema schema) {
        return new PolicyStore(directory, clock, read(directory), Objects.requireNonNull(schema, "schema"));
    }

    /**
     * Makes a store of fixed text that never reloads (tests, embedded use).
     *
     * @param files file name to policy text
     * @param clock the clock stamped on the snapshot
     * @return the store
     * @throws PolicyLoadException with {@code BAD_CONFIG} when a text is broken
     */
    public static PolicyStore of(Map<String, String> files, InstantSource clock) {
        return new PolicyStore(null, clock, new TreeMap<>(files), null);
    }

    /**
     * Makes a store of fixed text validated against a schema, that never reloads its files.
     *
     * @param files file name to policy text
     * @param clock the clock stamped on the snapshot
     * @param schema the schema the policies must validate against
     * @return the store
     * @throws PolicyLoadException with {@code BAD_CONFIG} when a text is broken or does not validate
     */
    public static PolicyStore of(Map<String, String> files, InstantSource clock, PolicySchema schema) {
        return new PolicyStore(null, clock, new TreeMap<>(files), Objects.requireNonNull(schema, "schema"));
    }

    /**
     * Returns the schema policies are validated against, or null when this store does not validate.
     *
     * @return the schema, or null
     */
    public @Nullable PolicySchema schema() {
        return schema;
    }

    /**
     * Replaces the schema (the tool lists changed) and validates the set in force against it. A set that no longer
     * validates stays in force: its files did not change, and what the new schema breaks fails closed at run time (an
     * unknown action matches no call; a forbid that errors denies). The errors are reported and kept in
     * {@link #lastError} until the files or the schema change again.
     *
     * @param next the new schema
     * @return {@link Reload.Outcome#UNCHANGED} when the set validates, {@link Reload.Outcome#INVALID_UNDER_SCHEMA}
     *     with the errors when it does not
     */
    public synchronized Reload useSchema(PolicySchema next) {
        Objects.requireNonNull(next, "next");
        schema = next;
        try {
            compile(files, clock.instant(), next);
            schemaError = null;
            lastError = null;
            return new Reload(Reload.Outcome.UNCHANGED, current.version(), null);
        } catch (PolicyLoadException e) {
            schemaError = e.getMessage();
            lastError = e.getMessage();
            return new Reload(Reload.Outcome.INVALID_UNDER_SCHEMA, current.version(), e.getMessage());
        }
    }

    /**
     * Returns the set in force.
     *
     * @return the current snapshot
     */
    public PolicySnapshot current() {
        return current;
    }

    /**
     * Returns why the latest refresh was rejected, or null if it was not.
     *
     * @return {@code file:line:column: detail}, or null
     */
    public @Nullable String lastError() {
        return lastError;
    }

    /**
     * Re-reads the directory and swaps in the new set if it changed and loads.
     *
     * @return what happened
     */
    public synchronized Reload refresh() {
        Path dir = directory;
        if (dir == null) {
            return new Reload(Reload.Outcome.UNCHANGED, current.version(), null);
        }
        try {
            SortedMap<String, String> read = read(dir);
            if (version(read).equals(current.version())) {
                lastError = schemaError;
                return new Reload(Reload.Outcome.UNCHANGED, current.version(), null);
            }
            current = compile(read, clock.instant(), schema);
            files = read;
            schemaError = null;
            lastError = null;
            return new Reload(Reload.Outcome.RELOADED, current.version(), null);
        } catch (PolicyLoadException e) {
            lastError = e.getMessage();
            return new Reload(Reload.Outcome.REJECTED, current.version(), e.getMessage());
        }
    }

    /**
     * What a {@link #refresh} did.
     *
     * @param outcome unchanged, reloaded or rejected
     * @param version the version in force afterwards
     * @param error why a new set was rejected, or null
     */
    public record Reload(
            Outcome outcome, String version, @Nullable String error) {
        /** Checks the parts. */
        public Reload {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(version, "version");
        }

        /** What happened. */
        public enum Outcome {
            /** The files did not change. */
            UNCHANGED,
            /** A changed set loaded and is now in force. */
            RELOADED,
            /** A changed set is broken or does not validate; the old one stays in force. */
            REJECTED,
            /** The schema changed and the set in force no longer validates against it; it stays in force. */
            INVALID_UNDER_SCHEMA
        }
    }

    static SortedMap<String, String> read(Path directory) {
        String where = directory.toString();
        if (!Files.isDirectory(directory)) {
            throw new PolicyLoadException(where, 0, 0, "not a readable directory (set policy.dir)");
        }
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(directory)) {
            List<Path> paths = list.filter(p -> p.getFileName().toString().endsWith(EXTENSION))
                    .filter(Files::isRegularFile)
                    .toList();
            if (paths.size() > MAX_FILES) {
                throw new PolicyLoadException(
                        where, 0, 0, paths.size() + " policy files: at most " + MAX_FILES + " (PolicyStore.MAX_FILES)");
            }
            for (Path p : paths) {
                String name = p.getFileName().toString();
                long size = Files.size(p);
                if (size > MAX_FILE_BYTES) {
                    throw new PolicyLoadException(
                            name, 0, 0, size + " bytes: at most " + MAX_FILE_BYTES + " (PolicyStore.MAX_FILE_BYTES)");
                }
                files.put(name, decode(name, Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new PolicyLoadException(where, 0, 0, "cannot read: " + e.getMessage());
        }
        return files;
    }

    private static String decode(String name, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PolicyLoadException(name, 0, 0, "not UTF-8 text");
        }
    }

    static String version(Map<String, String> files) {
        StringBuilder all = new StringBuilder();
        files.forEach(
                (name, text) -> all.append(name).append('\u0000').append(text).append('\u0000'));
        return AuditDigest.of(all.toString());
    }

    static PolicySnapshot compile(SortedMap<String, String> files, Instant at, @Nullable PolicySchema schema) {
        List<PolicyInfo> infos = new ArrayList<>();
        List<PolicyValidation.Problem> problems = new ArrayList<>();
        Map<String, String> seenIds = new HashMap<>();
        StringBuilder combined = new StringBuilder();
        for (Map.Entry<String, String> file : files.entrySet()) {
            String name = file.getKey();
            String text = file.getValue();
            PolicySet set;
            try {
                set = PolicySet.parse(text);
            } catch (CedarParseException e) {
                throw new PolicyLoadException(name, e.line(), e.column(), e.detail());
            } catch (CedarException e) {
                throw new PolicyLoadException(name, 0, 0, String.valueOf(e.getMessage()));
            }
            int n = 0;
            List<String> ids = new ArrayList<>();
            for (Policy p : set.policies()) {
                PolicyInfo info = check(name, text, n, p);
                String other = seenIds.putIfAbsent(info.id(), name);
                if (other != null) {
                    int[] pos = position(text, "@id(\"" + info.id() + "\"", other.equals(name) ? 1 : 0);
                    throw new PolicyLoadException(
                            name, pos[0], pos[1], "policy id '" + info.id() + "' is already used in " + other);
                }
                infos.add(info);
                ids.add(info.id());
                n++;
            }
            if (schema != null) {
                PolicyValidation.check(name, text, set, ids, schema, problems);
            }
            combined.append(text).append('\n');
        }
        PolicyValidation.throwIfAny(problems);
        // An empty directory (a new node's default) needs no parser: start-up stays fast.
        PolicySet all = infos.isEmpty() ? PolicySet.of(List.of()) : PolicySet.parse(combined.toString());
        Map<String, PolicyInfo> byEngineId = new LinkedHashMap<>();
        int i = 0;
        for (Policy p : all.policies()) {
            byEngineId.put(p.id(), infos.get(i++));
        }
        return new PolicySnapshot(version(files), all, byEngineId, at);
    }

    private static PolicyInfo check(String file, String text, int n, Policy p) {
        Map<String, String> a = p.annotations();
        String id = a.getOrDefault("id", file + ":" + n);
        if (p.isTemplate()) {
            throw located(
                    file, text, "@id(\"" + id + "\"", "policy " + id + " is a template; templates are not supported");
        }
        if (id.isEmpty() || id.length() > 128) {
            throw located(file, text, "@id(", "policy id '" + id + "' must have 1-128 characters");
        }
        String approver = a.get("approval");
        String redact = a.get("redact");
        if (approver != null && (p.effect() != Effect.FORBID || approver.isBlank())) {
            throw located(
                    file,
                    text,
                    "@approval(",
                    "policy " + id + ": @approval(\"<who>\") needs a non-empty approver and belongs on a forbid");
        }
        if (redact != null
                && (p.effect() != Effect.PERMIT
                        || !redact.startsWith("$")
                        || redact.length() < 2
                        || redact.length() > MAX_REDACT_PATH)) {
            throw located(
                    file,
                    text,
                    "@redact(",
                    "policy " + id + ": @redact(\"<json-path>\") belongs on a permit, with a path of 2-"
                            + MAX_REDACT_PATH + " characters starting with $");
        }
        return new PolicyInfo(id, file, p.effect(), approver, redact);
    }

    private static PolicyLoadException located(String file, String text, String needle, String detail) {
        int[] pos = position(text, needle, 0);
        return new PolicyLoadException(file, pos[0], pos[1], detail);
    }

    /** Line and column (1-based) of the occurrence-th appearance of needle, or 0:0 if absent. */
    private static int[] position(String text, String needle, int occurrence) {
        int at = -1;
        for (int k = 0; k <= occurrence; k++) {
            at = text.indexOf(needle, at + 1);
            if (at < 0) {
                return new int[] {0, 0};
            }
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, at - lineStart + 1};
    }
}

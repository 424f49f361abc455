package dev.mandate.core.catalog;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.Category;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.Sensitivity;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What Mandate knows about one tool, resource or prompt.
 *
 * @param output the labels its results add to the caller's flow (before {@code untrusted} is folded in)
 * @param egress calling it sends data out of the organisation
 * @param destructive calling it may destroy or overwrite data
 * @param untrusted its results are open-world content that may carry instructions from anyone
 * @param store the store it reads or writes, or null
 * @param exposedArguments the argument fields policies may see as selected context, at most {@value #MAX_EXPOSED}
 * @param source where this description came from
 */
public record CatalogEntry(
        FlowLabels output,
        boolean egress,
        boolean destructive,
        boolean untrusted,
        @Nullable StoreBinding store,
        List<String> exposedArguments,
        Source source) {
    /** The most argument fields one entry may expose. */
    public static final int MAX_EXPOSED = 32;

    /** The description everything unconfigured and untrusted gets: it may do anything with anything. */
    public static final CatalogEntry MOST_RESTRICTIVE = new CatalogEntry(
            FlowLabels.MOST_RESTRICTIVE, true, true, true, null, List.of(), Source.DEFAULT_RESTRICTIVE);

    /** Where an entry came from. */
    public enum Source {
        /** Written in the gateway's catalog configuration. */
        CONFIGURED,
        /** Seeded from the tool's own hints, because its upstream is trusted. */
        TRUSTED_HINTS,
        /** Nobody described it: the most restrictive entry. */
        DEFAULT_RESTRICTIVE
    }

    /** Copies the argument list and checks its limit. */
    public CatalogEntry {
        exposedArguments = List.copyOf(exposedArguments);
        if (exposedArguments.size() > MAX_EXPOSED) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    exposedArguments.size() + " exposed arguments: at most " + MAX_EXPOSED
                            + " (CatalogEntry.MAX_EXPOSED)");
        }
    }

    /**
     * Seeds an entry from a trusted server's hints, following the MCP defaults: not read-only means destructive unless
     * said otherwise; open world (the default) means egress and untrusted output. Output is {@code internal}.
     *
     * @param hints the tool's hints
     * @return the seeded entry
     */
    public static CatalogEntry fromTrustedHints(ToolHints hints) {
        boolean readOnly = Boolean.TRUE.equals(hints.readOnlyHint());
        boolean destructive = !readOnly && !Boolean.FALSE.equals(hints.destructiveHint());
        boolean openWorld = !Boolean.FALSE.equals(hints.openWorldHint());
        return new CatalogEntry(
                FlowLabels.of(Sensitivity.INTERNAL, new TreeSet<>(), false),
                openWorld,
                destructive,
                openWorld,
                null,
                List.of(),
                Source.TRUSTED_HINTS);
    }

    /**
     * Returns the labels a result adds to the caller's flow: {@link #output} with {@code untrusted} folded in.
     *
     * @return the result labels
     */
    public FlowLabels resultLabels() {
        return untrusted ? output.join(FlowLabels.of(Sensitivity.PUBLIC, new TreeSet<>(), true)) : output;
    }

    /**
     * Returns the action groups these facts put the entry in, sorted: {@code egress}, {@code destructive},
     * {@code untrusted}, {@code store}, {@code reads:<sensitivity>} for output above public, and
     * {@code reads:<category>} for each output category. Cedar policies name them as {@code Action::"egress"} etc.
     *
     * @return the group names
     */
    public List<String> actionGroups() {
        TreeSet<String> groups = new TreeSet<>();
        if (egress) {
            groups.add("egress");
        }
        if (destructive) {
            groups.add("destructive");
        }
        if (untrusted || output.untrusted()) {
            groups.add("untrusted");
        }
        if (store != null) {
            groups.add("store");
        }
        if (output.sensitivity() != Sensitivity.PUBLIC) {
            groups.add("reads:" + output.sensitivity().wireName());
        }
        for (Category c : output.categories()) {
            groups.add("reads:" + c.name());
        }
        return List.copyOf(groups);
    }
}

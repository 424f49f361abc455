package dev.mandate.core.flow;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What data has flowed into a task or out of a tool: a point in the product lattice of sensitivity (totally ordered),
 * categories (sets under union) and integrity ({@code untrusted} or not). Immutable; {@link #join} is the least upper
 * bound, so labels combined with {@code join} never shrink.
 *
 * @param sensitivity the highest sensitivity seen
 * @param categories the categories seen, at most {@value #MAX_CATEGORIES}
 * @param untrusted whether open-world (possibly attacker-controlled) content was seen
 */
public record FlowLabels(Sensitivity sensitivity, SortedSet<Category> categories, boolean untrusted) {
    /** The most categories one label set may hold; a join past it fails rather than forgetting any. */
    public static final int MAX_CATEGORIES = 64;

    /** The longest label text {@link #parse} accepts. */
    public static final int MAX_TEXT_LENGTH = 2048;

    static final String UNTRUSTED_WORD = "untrusted";

    /** The bottom of the lattice: public, no categories, trusted. Nothing has been seen yet. */
    public static final FlowLabels NONE = new FlowLabels(Sensitivity.PUBLIC, new TreeSet<>(), false);

    /**
     * The labels assumed for a tool or resource nobody described: restricted, every well-known category, untrusted.
     */
    public static final FlowLabels MOST_RESTRICTIVE = new FlowLabels(
            Sensitivity.RESTRICTED,
            new TreeSet<>(List.of(Category.PII, Category.PHI, Category.PCI, Category.SECRET)),
            true);

    /** Copies the categories into an unmodifiable sorted set and checks the limit. */
    public FlowLabels {
        if (categories.size() > MAX_CATEGORIES) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "flow labels with " + categories.size() + " categories: at most " + MAX_CATEGORIES
                            + " (FlowLabels.MAX_CATEGORIES)");
        }
        categories = Collections.unmodifiableSortedSet(new TreeSet<>(categories));
    }

    /**
     * Creates labels from parts.
     *
     * @param sensitivity the sensitivity
     * @param categories the categories
     * @param untrusted whether the content is untrusted
     * @return the labels
     */
    public static FlowLabels of(Sensitivity sensitivity, Set<Category> categories, boolean untrusted) {
        return new FlowLabels(sensitivity, new TreeSet<>(categories), untrusted);
    }

    /**
     * Returns the least upper bound of this and {@code other}: the higher sensitivity, the union of categories, and
     * untrusted if either is.
     *
     * @param other other labels
     * @return the join
     * @throws MandateException with {@code BAD_REQUEST} if the union exceeds {@link #MAX_CATEGORIES}
     */
    public FlowLabels join(FlowLabels other) {
        if (other.dominatedBy(this)) {
            return this;
        }
        if (dominatedBy(other)) {
            return other;
        }
        TreeSet<Category> union = new TreeSet<>(categories);
        union.addAll(other.categories);
        return new FlowLabels(sensitivity.join(other.sensitivity), union, untrusted || other.untrusted);
    }

    /**
     * Whether {@code other} is at least as high as this in every component (the lattice order).
     *
     * @param other other labels
     * @return true if {@code this.join(other).equals(other)}
     */
    public boolean dominatedBy(FlowLabels other) {
        return sensitivity.compareTo(other.sensitivity) <= 0
                && (untrusted ? other.untrusted : true)
                && other.categories.containsAll(categories);
    }

    /**
     * Whether these labels carry the category.
     *
     * @param category a category
     * @return true if present
     */
    public boolean has(Category category) {
        return categories.contains(category);
    }

    /**
     * Formats the labels as label text: the sensitivity, then the categories in order, then {@code untrusted} if set,
     * comma-separated; {@link #NONE} is {@code public}.
     *
     * @return e.g. {@code confidential,pii,untrusted}
     */
    public String format() {
        List<String> parts = new ArrayList<>();
        parts.add(sensitivity.wireName());
        categories.forEach(c -> parts.add(c.name()));
        if (untrusted) {
            parts.add(UNTRUSTED_WORD);
        }
        return String.join(",", parts);
    }

    /**
     * Parses label text: comma-separated words, each a sensitivity, {@code untrusted} or a category, in any order.
     * Several sensitivities join to the highest; a missing one means {@code public}. The empty text is {@link #NONE}.
     *
     * @param text e.g. {@code confidential,pii,untrusted}
     * @return the labels
     * @throws MandateException with {@code BAD_REQUEST} naming the bad word or the length limit
     */
    public static FlowLabels parse(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "label text of " + text.length() + " characters: at most " + MAX_TEXT_LENGTH
                            + " (FlowLabels.MAX_TEXT_LENGTH)");
        }
        Sensitivity sensitivity = Sensitivity.PUBLIC;
        TreeSet<Category> categories = new TreeSet<>();
        boolean untrusted = false;
        if (text.isBlank()) {
            return NONE;
        }
        for (String raw : text.split(",", -1)) {
            String word = raw.strip();
            if (word.isEmpty()) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST, "label text '" + text + "' has an empty word between commas");
            }
            Sensitivity s = sensitivityOrNull(word);
            if (s != null) {
                sensitivity = sensitivity.join(s);
            } else if (word.equals(UNTRUSTED_WORD)) {
                untrusted = true;
            } else {
                categories.add(new Category(word));
            }
        }
        return new FlowLabels(sensitivity, categories, untrusted);
    }

    /**
     * Joins two sets of label words as stored (the words of {@link #format}): their union, keeping only the highest
     * sensitivity word. Several replicas each writing what they saw of one mandate merge their words with this, so
     * stored labels only grow and read back as {@code parse(words)} of the join. Never fails: a word that is not a
     * sensitivity is kept as it is.
     *
     * @param a label words
     * @param b more label words
     * @return the joined words, sorted
     */
    public static SortedSet<String> joinWords(java.util.Collection<String> a, java.util.Collection<String> b) {
        TreeSet<String> out = new TreeSet<>(a);
        out.addAll(b);
        Sensitivity highest = null;
        for (String word : out) {
            Sensitivity s = sensitivityOrNull(word);
            if (s != null) {
                highest = highest == null ? s : highest.join(s);
            }
        }
        if (highest != null) {
            Sensitivity keep = highest;
            out.removeIf(word -> {
                Sensitivity s = sensitivityOrNull(word);
                return s != null && s != keep;
            });
        }
        return Collections.unmodifiableSortedSet(out);
    }

    private static @org.jspecify.annotations.Nullable Sensitivity sensitivityOrNull(String word) {
        for (Sensitivity s : Sensitivity.values()) {
            if (s.wireName().equals(word)) {
                return s;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return format();
    }
}

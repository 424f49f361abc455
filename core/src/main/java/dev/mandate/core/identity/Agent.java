package dev.mandate.core.identity;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.mandate.Tier;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A registered agent: a workload with an owner that may ask for mandates.
 *
 * @param name unique name, {@code [a-z0-9][a-z0-9-]*}, at most {@value #MAX_NAME_LENGTH} characters
 * @param id the SPIFFE ID the agent authenticates as, by default {@code spiffe://<trust-domain>/agent/<name>}
 * @param owner the person or team answerable for it; required
 * @param tier its autonomy tier
 * @param purposes the purposes it may ask mandates for; sorted, possibly empty
 * @param labelsCeiling the most sensitive flow labels its mandates may accumulate, or null for no ceiling; sorted
 * @param status whether it is active
 * @param created when it was registered
 */
public record Agent(
        String name,
        SpiffeId id,
        String owner,
        Tier tier,
        Set<String> purposes,
        @Nullable Set<String> labelsCeiling,
        AgentStatus status,
        Instant created) {
    /** The longest agent name. */
    public static final int MAX_NAME_LENGTH = 64;
    /** The longest owner. */
    public static final int MAX_OWNER_LENGTH = 200;
    /** The most purposes an agent may have. */
    public static final int MAX_PURPOSES = 64;
    /** The most labels in a ceiling. */
    public static final int MAX_LABELS = 32;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0," + (MAX_NAME_LENGTH - 1) + "}");
    private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");

    /** Validates every field and copies the sets into sorted, unmodifiable ones. */
    public Agent {
        checkName(name);
        Objects.requireNonNull(id, "id");
        owner = checkOwner(owner);
        Objects.requireNonNull(tier, "tier");
        purposes = words(purposes, "purpose", MAX_PURPOSES);
        labelsCeiling = labelsCeiling == null ? null : words(labelsCeiling, "label", MAX_LABELS);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(created, "created");
    }

    /**
     * Checks an agent name.
     *
     * @param name the name
     * @return the name
     * @throws MandateException with {@code BAD_REQUEST} naming the value and the rule
     */
    public static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw bad("agent name '" + abbreviate(name) + "' must be 1-" + MAX_NAME_LENGTH
                    + " characters of a-z 0-9 and '-', starting with a letter or digit");
        }
        return name;
    }

    private static String checkOwner(String owner) {
        String o = owner.strip();
        if (o.isEmpty()) {
            throw bad("an agent needs an owner: the person or team answerable for it");
        }
        if (o.length() > MAX_OWNER_LENGTH || o.chars().anyMatch(Character::isISOControl)) {
            throw bad("owner '" + abbreviate(o) + "' must be at most " + MAX_OWNER_LENGTH
                    + " characters without control characters");
        }
        return o;
    }

    private static Set<String> words(Set<String> words, String what, int max) {
        if (words.size() > max) {
            throw bad("at most " + max + " " + what + "s, got " + words.size());
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String w : words) {
            if (!WORD.matcher(w).matches()) {
                throw bad(what + " '" + abbreviate(w)
                        + "' must be 1-64 characters of a-z 0-9 . _ : -, starting with a letter or digit");
            }
            sorted.add(w);
        }
        return Collections.unmodifiableSet(sorted);
    }

    /**
     * Tells whether the agent may authenticate and hold mandates.
     *
     * @return true if active
     */
    public boolean isActive() {
        return status == AgentStatus.ACTIVE;
    }

    /**
     * Returns a copy with another status.
     *
     * @param newStatus the status
     * @return the changed agent
     */
    public Agent withStatus(AgentStatus newStatus) {
        return new Agent(name, id, owner, tier, purposes, labelsCeiling, newStatus, created);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static MandateException bad(String message) {
        return new MandateException(ErrorCode.BAD_REQUEST, message);
    }
}

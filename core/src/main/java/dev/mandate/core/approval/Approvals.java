package dev.mandate.core.approval;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The approval workflow: {@link #request} when an {@code @approval} policy denies a call, {@link #approve} or
 * {@link #deny} by an approver, {@link #consume} when the identical call comes back — true once, for an approved,
 * unexpired approval bound to exactly that mandate, tool, argument digest and policy-set version. Thread-safe.
 */
public final class Approvals {
    /** How long an approval lives when nothing else is configured. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    /** The longest approver name or reason accepted. */
    public static final int MAX_TEXT = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApprovalStore store;
    private final InstantSource clock;
    private final Duration ttl;

    /**
     * Creates the workflow.
     *
     * @param store where approvals live
     * @param clock the clock for creation, decisions and expiry
     * @param ttl how long an approval lives from its creation
     * @throws MandateException with {@code BAD_CONFIG} if the ttl is not positive
     */
    public Approvals(ApprovalStore store, InstantSource clock, Duration ttl) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "approval ttl " + ttl + " must be positive (approval.ttl)");
        }
        this.ttl = ttl;
    }

    /**
     * Asks for approval of one call; an open (pending or approved, unexpired) approval for the same call is returned
     * instead of a new one, so a retrying agent does not flood approvers.
     *
     * @param key the call
     * @param policyIds the policies that asked
     * @param approvers who they ask
     * @return the open approval
     */
    public Approval request(ApprovalKey key, List<String> policyIds, List<String> approvers) {
        Instant now = clock.instant();
        for (Approval a : store.byKey(key)) {
            if ((a.state() == ApprovalState.PENDING || a.state() == ApprovalState.APPROVED) && !a.expiredAt(now)) {
                return a;
            }
        }
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        Approval a = new Approval(
                "apr_" + HexFormat.of().formatHex(id),
                key,
                policyIds,
                approvers,
                now,
                now.plus(ttl),
                ApprovalState.PENDING,
                null,
                null,
                null);
        store.add(a);
        return a;
    }

    /**
     * Approves a pending approval.
     *
     * @param id the approval id
     * @param who the approver
     * @param why the reason
     * @return the approved approval
     * @throws MandateException {@code NOT_FOUND} if unknown, {@code CONFLICT} if already decided or expired,
     *     {@code BAD_REQUEST} if who or why is empty or too long
     */
    public Approval approve(String id, String who, String why) {
        return decide(id, who, why, ApprovalState.APPROVED);
    }

    /**
     * Denies a pending approval.
     *
     * @param id the approval id
     * @param who the approver
     * @param why the reason
     * @return the denied approval
     * @throws MandateException {@code NOT_FOUND} if unknown, {@code CONFLICT} if already decided or expired,
     *     {@code BAD_REQUEST} if who or why is empty or too long
     */
    public Approval deny(String id, String who, String why) {
        return decide(id, who, why, ApprovalState.DENIED);
    }

    private Approval decide(String id, String who, String why, ApprovalState next) {
        checkText("approver", who);
        checkText("reason", why);
        Approval a = get(id);
        if (a == null) {
            throw new MandateException(ErrorCode.NOT_FOUND, "no approval " + id);
        }
        Instant now = clock.instant();
        if (a.expiredAt(now)) {
            throw new MandateException(ErrorCode.CONFLICT, "approval " + id + " expired at " + a.expiresAt());
        }
        if (a.state() != ApprovalState.PENDING) {
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "approval " + id + " is already " + a.state().wireName());
        }
        Approval decided = a.with(next, who, why, now);
        if (!store.replace(a, decided)) {
            throw new MandateException(ErrorCode.CONFLICT, "approval " + id + " was decided concurrently");
        }
        return decided;
    }

    /**
     * Uses an approval for exactly this call, if there is one: approved, unexpired, not used.
     *
     * @param key the call
     * @return true once per approval; false if none is usable
     */
    public boolean consume(ApprovalKey key) {
        Instant now = clock.instant();
        for (Approval a : store.byKey(key)) {
            if (a.state() == ApprovalState.APPROVED
                    && !a.expiredAt(now)
                    && store.replace(a, a.with(ApprovalState.USED, a.decidedBy(), a.reason(), a.decidedAt()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds one approval.
     *
     * @param id the id
     * @return it, or null
     */
    public @Nullable Approval get(String id) {
        return id.length() > MAX_TEXT ? null : store.get(id);
    }

    /**
     * Lists approvals, oldest first.
     *
     * @param state only those in this state, or null for all
     * @return the approvals
     */
    public List<Approval> list(@Nullable ApprovalState state) {
        return store.all().stream()
                .filter(a -> state == null || a.state() == state)
                .toList();
    }

    /**
     * Drops approvals that expired more than a ttl ago.
     *
     * @return how many were dropped
     */
    public int sweep() {
        return store.removeExpired(clock.instant().minus(ttl));
    }

    private static void checkText(String what, String text) {
        if (text.isBlank() || text.length() > MAX_TEXT) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, what + " must have 1-" + MAX_TEXT + " characters, not blank");
        }
    }
}

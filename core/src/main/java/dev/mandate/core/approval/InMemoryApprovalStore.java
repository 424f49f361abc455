package dev.mandate.core.approval;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Approvals in memory, lost on restart. Bounded by {@link #MAX_APPROVALS}. Thread-safe. */
public final class InMemoryApprovalStore implements ApprovalStore {
    /** The most approvals held at once; past it new ones are refused until expired ones are removed. */
    public static final int MAX_APPROVALS = 100_000;

    private final Map<String, Approval> byId = new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public InMemoryApprovalStore() {}

    @Override
    public void add(Approval approval) {
        if (byId.size() >= MAX_APPROVALS) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "approval store holds " + MAX_APPROVALS + " approvals (InMemoryApprovalStore.MAX_APPROVALS)");
        }
        if (byId.putIfAbsent(approval.id(), approval) != null) {
            throw new MandateException(ErrorCode.CONFLICT, "approval " + approval.id() + " already exists");
        }
    }

    @Override
    public @Nullable Approval get(String id) {
        return byId.get(id);
    }

    @Override
    public List<Approval> byKey(ApprovalKey key) {
        List<Approval> out = new ArrayList<>();
        for (Approval a : byId.values()) {
            if (a.key().equals(key)) {
                out.add(a);
            }
        }
        out.sort(Comparator.comparing(Approval::createdAt).thenComparing(Approval::id));
        return out;
    }

    @Override
    public List<Approval> all() {
        List<Approval> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(Approval::createdAt).thenComparing(Approval::id));
        return out;
    }

    @Override
    public boolean replace(Approval expected, Approval next) {
        return byId.replace(expected.id(), expected, next);
    }

    @Override
    public int removeExpired(Instant before) {
        int[] n = {0};
        byId.values().removeIf(a -> {
            boolean gone = a.expiresAt().isBefore(before);
            if (gone) {
                n[0]++;
            }
            return gone;
        });
        return n[0];
    }
}

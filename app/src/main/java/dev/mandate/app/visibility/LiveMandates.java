package dev.mandate.app.visibility;

import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.MandateState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Collects the active mandates of a registry without its listing limit. */
final class LiveMandates {
    /** The most mandates one report collects. */
    static final int MAX_MANDATES = 200_000;

    private LiveMandates() {}

    /**
     * Returns every mandate whose state is active, expired or not (a past-heartbeat mandate is still reported).
     *
     * @param registry the registry
     * @return up to {@link #MAX_MANDATES} mandates
     */
    static List<Mandate> all(MandateRegistry registry) {
        List<Mandate> out = new ArrayList<>();
        // The registry's list() sorts and caps at MandateRegistry.MAX_LIST; its filter sees every mandate, so collect
        // there and keep nothing for the sort.
        registry.list(
                m -> {
                    if (m.state() == MandateState.ACTIVE && out.size() < MAX_MANDATES) {
                        out.add(m);
                    }
                    return false;
                },
                1);
        return out;
    }

    /**
     * Tells whether a mandate is active and unexpired.
     *
     * @param m the mandate
     * @param now the time
     * @return true if live by its own state and expiry
     */
    static boolean live(Mandate m, Instant now) {
        return m.state() == MandateState.ACTIVE && m.expires().isAfter(now);
    }
}

package dev.mandate.core.mandate;

import java.util.List;

/**
 * Port: the mandates and agents other replicas change in the store they share. A replica follows the changes (a push
 * channel plus a periodic poll that bounds staleness when a push is lost) and looks up a mandate it has not seen yet
 * when a token for it arrives. Implemented in {@code store} for PostgreSQL; the embedded single-node store has none.
 */
public interface MandateChanges extends AutoCloseable {
    /**
     * Reads a mandate and its ancestors from the shared store: I/O, bounded by a query timeout.
     *
     * @param id the mandate id
     * @return the mandate and every ancestor, root first; empty if the store holds no mandate with this id
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if the store cannot be read
     */
    List<Mandate> chain(String id);

    /**
     * Starts delivering changes to a listener on a thread of the implementation, until {@link #close}. Every batch is
     * complete up to its {@link ChangeBatch#asOf()}: the implementation delivers one after every successful poll, even
     * an empty one, so the listener can tell how fresh its view is.
     *
     * @param listener told about each batch, one at a time
     * @throws IllegalStateException if already started
     */
    void follow(ChangeListener listener);

    /** Stops following; idempotent. */
    @Override
    void close();
}

package dev.mandate.core.mandate;

/** Told, one batch at a time, about the changes {@link MandateChanges} read from the shared store. */
@FunctionalInterface
public interface ChangeListener {
    /**
     * Applies a batch of changes.
     *
     * @param batch the changes, complete up to {@link ChangeBatch#asOf()}
     * @throws dev.mandate.core.MandateException if applying a part failed durably (memory is updated regardless); the
     *     implementation reports it and delivers the changes again
     */
    void changed(ChangeBatch batch);
}

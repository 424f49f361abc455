package dev.mandate.core.mandate;

import java.util.List;

/** A {@link MandateStore} that can store several new mandates in one transaction. */
public interface BatchMandateStore extends MandateStore {
    /**
     * Stores new mandates in one transaction: every one of them is durable when this returns, or none is.
     *
     * @param mandates the mandates, at least one
     * @throws dev.mandate.core.MandateException with {@code UNAVAILABLE} if they could not be stored (then none is)
     */
    void insertAll(List<Mandate> mandates);
}

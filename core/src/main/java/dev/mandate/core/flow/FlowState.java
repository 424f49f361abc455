package dev.mandate.core.flow;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The flow labels one mandate has accumulated. Thread-safe; labels only grow. A child state (for a delegated mandate)
 * starts with its parent's labels and joins its own back into the parent when it closes, so that handing context to a
 * sub-agent cannot launder it.
 */
public final class FlowState {
    private final AtomicReference<FlowLabels> labels;
    private final @Nullable FlowState parent;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FlowState(FlowLabels initial, @Nullable FlowState parent) {
        this.labels = new AtomicReference<>(initial);
        this.parent = parent;
    }

    /**
     * Creates the state of a root mandate.
     *
     * @param initial the labels it starts with, usually {@link FlowLabels#NONE}
     * @return the state
     */
    public static FlowState root(FlowLabels initial) {
        return new FlowState(initial, null);
    }

    /**
     * Creates the state of a delegated child, starting with this state's current labels.
     *
     * @return the child's state
     */
    public FlowState child() {
        return new FlowState(current(), this);
    }

    /**
     * Returns the labels accumulated so far.
     *
     * @return the current labels
     */
    public FlowLabels current() {
        return labels.get();
    }

    /**
     * Adds labels (joins them into the current ones). Labels keep growing after {@link #close()}: a late result still
     * counts, and is handed to the parent too.
     *
     * @param added labels of data that flowed in
     * @return the labels after adding
     * @throws dev.mandate.core.MandateException with {@code BAD_REQUEST} if the join exceeds the category limit
     */
    public FlowLabels add(FlowLabels added) {
        FlowLabels after = labels.accumulateAndGet(added, FlowLabels::join);
        if (closed.get() && parent != null) {
            parent.add(after);
        }
        return after;
    }

    /**
     * Ends this state: a child hands its labels back to its parent. Closing twice does nothing more.
     *
     * @return the labels at close
     */
    public FlowLabels close() {
        FlowLabels last = current();
        if (closed.compareAndSet(false, true) && parent != null) {
            parent.add(last);
        }
        return last;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed.get();
    }
}

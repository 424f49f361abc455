package dev.mandate.core.flow;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The flow labels one mandate has accumulated. Thread-safe; labels only grow. A child state (for a delegated mandate)
 * starts with its parent's labels and joins its own back into the parent when it closes, so that handing context to a
 * sub-agent cannot launder it.
 *
 * <p>A state may have a {@link Writer} that makes its labels outlive the process: it is called whenever the labels
 * changed, with all of them, one call at a time and in the order they grew, before {@link #add} returns. Since labels
 * only grow a write is needed only when they change, which happens a few times per mandate at most (the lattice is
 * shallow), so a call that adds nothing new writes nothing.
 */
public final class FlowState {
    /** Makes a mandate's labels durable. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Stores the labels; durable when it returns.
         *
         * @param labels all the labels now
         * @throws RuntimeException if they could not be stored; {@link FlowState#add} then throws it too (the labels in
         *     memory have grown regardless, and the next change writes them again)
         */
        void write(FlowLabels labels);
    }

    private final AtomicReference<FlowLabels> labels;
    private final @Nullable FlowState parent;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final @Nullable Writer writer;
    private final Object writing = new Object();
    private volatile FlowLabels written; // guarded by writing for writes

    private FlowState(FlowLabels initial, @Nullable FlowState parent, @Nullable Writer writer, FlowLabels written) {
        this.labels = new AtomicReference<>(initial);
        this.parent = parent;
        this.writer = writer;
        this.written = written;
    }

    /**
     * Creates the state of a root mandate.
     *
     * @param initial the labels it starts with, usually {@link FlowLabels#NONE}
     * @return the state
     */
    public static FlowState root(FlowLabels initial) {
        return new FlowState(initial, null, null, initial);
    }

    /**
     * Creates the state of a root mandate whose labels are written back as they grow.
     *
     * @param stored the labels stored so far
     * @param writer where changes go
     * @return the state
     */
    public static FlowState root(FlowLabels stored, Writer writer) {
        return new FlowState(stored, null, writer, stored);
    }

    /**
     * Creates the state of a delegated child, starting with this state's current labels.
     *
     * @return the child's state
     */
    public FlowState child() {
        return new FlowState(current(), this, null, current());
    }

    /**
     * Creates the state of a delegated child whose labels are written back as they grow: it starts with this state's
     * labels joined with the ones stored for it (what it had read before a restart).
     *
     * @param stored the labels stored for the child
     * @param writer where the child's changes go
     * @return the child's state
     */
    public FlowState child(FlowLabels stored, Writer writer) {
        return new FlowState(current().join(stored), this, writer, stored);
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
        writeIfChanged();
        if (closed.get() && parent != null) {
            parent.add(after);
        }
        return after;
    }

    /**
     * Takes over labels that are stored already (another replica of a shared store wrote them): joins them into the
     * current ones like {@link #add}, but writes only if this state then holds more than the store does, so replicas
     * never write each other's labels back and forth. Not handed to the parent: the replica that saw the data hands it
     * back there, and its parent's labels reach this node the same way.
     *
     * @param stored labels the store holds for this mandate
     * @return the labels after taking them over
     * @throws dev.mandate.core.MandateException with {@code BAD_REQUEST} if the join exceeds the category limit
     */
    public FlowLabels absorb(FlowLabels stored) {
        FlowLabels after = labels.accumulateAndGet(stored, FlowLabels::join);
        if (writer != null) {
            synchronized (writing) {
                written = written.join(stored);
            }
            writeIfChanged();
        }
        return after;
    }

    private void writeIfChanged() {
        Writer w = writer;
        if (w == null || labels.get().equals(written)) {
            return;
        }
        synchronized (writing) {
            // Read again under the lock: a later, larger set may already be written, and writes must never go back.
            FlowLabels now = labels.get();
            if (!now.equals(written)) {
                w.write(now);
                written = now;
            }
        }
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

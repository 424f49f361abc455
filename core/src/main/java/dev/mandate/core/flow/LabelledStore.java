package dev.mandate.core.flow;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The memory of what was written into stores (agent memory, caches, vector indexes, ticket comments): each write joins
 * the writer's labels into the labels of (store, key), and every reader of that key, in any mandate, receives them.
 * A read that names no key receives everything the store ever held. Thread-safe.
 *
 * <p>Memory is bounded: past {@code maxKeysPerStore} keys in one store, further writes join into the store's overflow
 * labels, which every read of that store then receives. That over-labels rather than forgets, so it fails closed.
 */
public final class LabelledStore {
    /** The default bound on remembered keys per store. */
    public static final int DEFAULT_MAX_KEYS_PER_STORE = 100_000;

    private final int maxKeysPerStore;
    private final Map<String, Memory> stores = new ConcurrentHashMap<>();

    /**
     * Creates an empty memory.
     *
     * @param maxKeysPerStore how many keys per store are remembered one by one
     * @throws MandateException with {@code BAD_CONFIG} if the bound is below 1
     */
    public LabelledStore(int maxKeysPerStore) {
        if (maxKeysPerStore < 1) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "maxKeysPerStore < 1: " + maxKeysPerStore);
        }
        this.maxKeysPerStore = maxKeysPerStore;
    }

    /**
     * Records that data with {@code labels} was written to {@code key} of {@code store}.
     *
     * @param store the catalog store name
     * @param key the key or resource written
     * @param labels the writer's labels
     */
    public void write(String store, String key, FlowLabels labels) {
        Memory memory = stores.computeIfAbsent(store, s -> new Memory());
        memory.all.accumulateAndGet(labels, FlowLabels::join);
        if (memory.keys.containsKey(key) || memory.keys.size() < maxKeysPerStore) {
            memory.keys.merge(key, labels, FlowLabels::join);
        } else {
            memory.overflow.accumulateAndGet(labels, FlowLabels::join);
        }
    }

    /**
     * Returns the labels a reader of {@code key} in {@code store} receives.
     *
     * @param store the catalog store name
     * @param key the key or resource read
     * @return the labels written there (with the store's overflow), or {@link FlowLabels#NONE} if nothing was
     */
    public FlowLabels read(String store, String key) {
        Memory memory = stores.get(store);
        if (memory == null) {
            return FlowLabels.NONE;
        }
        return memory.keys.getOrDefault(key, FlowLabels.NONE).join(memory.overflow.get());
    }

    /**
     * Returns the labels of everything ever written to {@code store}, for reads that name no single key (search,
     * list).
     *
     * @param store the catalog store name
     * @return the join of all writes, or {@link FlowLabels#NONE}
     */
    public FlowLabels readAll(String store) {
        Memory memory = stores.get(store);
        return memory == null ? FlowLabels.NONE : memory.all.get();
    }

    private static final class Memory {
        final Map<String, FlowLabels> keys = new ConcurrentHashMap<>();
        final AtomicReference<FlowLabels> overflow = new AtomicReference<>(FlowLabels.NONE);
        final AtomicReference<FlowLabels> all = new AtomicReference<>(FlowLabels.NONE);
    }
}

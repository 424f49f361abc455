package dev.mandate.core.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where verifiers look up the trust bundle of a trust domain. Implementations are thread-safe. */
@FunctionalInterface
public interface TrustBundleSource {
    /**
     * Returns the bundle of a trust domain.
     *
     * @param trustDomain the trust domain name
     * @return its bundle, or empty if it is not trusted
     */
    Optional<TrustBundle> bundle(String trustDomain);

    /**
     * Returns a source of fixed bundles.
     *
     * @param bundles the bundles; at most one per trust domain
     * @return the source
     * @throws IllegalArgumentException if two bundles are for the same trust domain
     */
    static TrustBundleSource of(List<TrustBundle> bundles) {
        Map<String, TrustBundle> byDomain = new java.util.HashMap<>();
        for (TrustBundle b : bundles) {
            if (byDomain.put(b.trustDomain(), b) != null) {
                throw new IllegalArgumentException("two trust bundles for trust domain " + b.trustDomain());
            }
        }
        Map<String, TrustBundle> copy = Map.copyOf(byDomain);
        return td -> Optional.ofNullable(copy.get(td));
    }

    /**
     * Returns a source that asks each source in turn and answers with the first bundle found.
     *
     * @param sources the sources, in order
     * @return the combined source
     */
    static TrustBundleSource firstOf(List<TrustBundleSource> sources) {
        List<TrustBundleSource> copy = List.copyOf(sources);
        return td ->
                copy.stream().map(s -> s.bundle(td)).flatMap(Optional::stream).findFirst();
    }
}

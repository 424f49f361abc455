package dev.mandate.gateway.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.core.audit.AuditDigest;

/**
 * Argument digests: {@code sha256} of the arguments' canonical JSON (object members sorted by name at every depth, no
 * whitespace), so that the same arguments in any member order give the same digest — the binding an approval needs.
 */
final class Canonical {
    private static final ObjectMapper SORTED =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Canonical() {}

    static String digest(JsonNode arguments) {
        try {
            Object plain = SORTED.convertValue(arguments, Object.class);
            return AuditDigest.of(SORTED.writeValueAsString(plain));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }
}

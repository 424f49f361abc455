package dev.mandate.core.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One recorded event of the hash-chained audit log.
 *
 * <p>The <b>canonical form</b> that the hash covers is the concatenation of netstrings ({@code <length>:<bytes>,},
 * the length being the decimal count of UTF-8 bytes) of, in order: the literal {@code mandate-audit-v1}, the sequence
 * number in decimal, the time as ISO-8601 ({@link Instant#toString()}, millisecond precision), type, actor, subject,
 * the reason (the single netstring {@code -,} stands for no reason; a present reason is prefixed by {@code +}), the
 * number of details in decimal, then each detail's key and value, keys in ascending UTF-16 order. Then
 * {@code hash = SHA-256(prev_hash ‖ canonical)}, where {@code prev_hash} is the 32 raw bytes of the previous event's
 * hash (32 zero bytes before the first event), written as lower-case hex.
 *
 * @param seq the sequence number, 1 for the first event, without gaps
 * @param time when it was recorded, truncated to milliseconds
 * @param type what happened, e.g. {@code mandate.revoked}
 * @param actor who did it
 * @param subject what it was done to
 * @param reason why, or null
 * @param details further facts; digests instead of secrets
 * @param prevHash the previous event's hash (hex), or 64 zeros for the first
 * @param hash this event's hash (hex)
 */
public record AuditEvent(
        long seq,
        Instant time,
        String type,
        String actor,
        String subject,
        @Nullable String reason,
        Map<String, String> details,
        String prevHash,
        String hash) {
    /** The hash before the first event: 32 zero bytes, in hex. */
    public static final String GENESIS_HASH = "0".repeat(64);

    /** Validates and copies. */
    public AuditEvent {
        if (seq < 1) {
            throw new IllegalArgumentException("audit sequence number < 1: " + seq);
        }
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(subject, "subject");
        details = Map.copyOf(details);
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * Chains an entry after the previous hash: fixes its sequence number and time and computes its hash.
     *
     * @param seq the sequence number it gets
     * @param time the time it gets (truncated to milliseconds here)
     * @param entry what happened
     * @param prevHash the previous event's hash, or {@link #GENESIS_HASH}
     * @return the chained event
     */
    public static AuditEvent chain(long seq, Instant time, AuditEntry entry, String prevHash) {
        Instant t = time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String hash = computeHash(
                prevHash, seq, t, entry.type(), entry.actor(), entry.subject(), entry.reason(), entry.details());
        return new AuditEvent(
                seq, t, entry.type(), entry.actor(), entry.subject(), entry.reason(), entry.details(), prevHash, hash);
    }

    /**
     * Recomputes this event's hash from its content and its stored {@code prevHash}.
     *
     * @return the hash its content should have, in hex
     */
    public String recomputeHash() {
        return computeHash(prevHash, seq, time, type, actor, subject, reason, details);
    }

    /**
     * Returns the canonical bytes of an event (see the type's description).
     *
     * @return the bytes the hash covers, after the previous hash
     */
    public byte[] canonicalBytes() {
        return canonical(seq, time, type, actor, subject, reason, details);
    }

    static String computeHash(
            String prevHash,
            long seq,
            Instant time,
            String type,
            String actor,
            String subject,
            @Nullable String reason,
            Map<String, String> details) {
        byte[] prev = hexToBytes(prevHash);
        byte[] body = canonical(seq, time, type, actor, subject, reason, details);
        byte[] all = new byte[prev.length + body.length];
        System.arraycopy(prev, 0, all, 0, prev.length);
        System.arraycopy(body, 0, all, prev.length, body.length);
        return AuditDigest.of(all).substring("sha256:".length());
    }

    private static byte[] hexToBytes(String hex) {
        try {
            byte[] b = java.util.HexFormat.of().parseHex(hex);
            if (b.length == 32) {
                return b;
            }
        } catch (IllegalArgumentException e) {
            // fall through: a malformed stored hash is itself a broken link, hashed as written
        }
        return hex.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] canonical(
            long seq,
            Instant time,
            String type,
            String actor,
            String subject,
            @Nullable String reason,
            Map<String, String> details) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        netstring(out, "mandate-audit-v1");
        netstring(out, Long.toString(seq));
        netstring(out, time.toString());
        netstring(out, type);
        netstring(out, actor);
        netstring(out, subject);
        netstring(out, reason == null ? "-" : "+" + reason);
        Map<String, String> sorted = new TreeMap<>(details);
        netstring(out, Integer.toString(sorted.size()));
        sorted.forEach((k, v) -> {
            netstring(out, k);
            netstring(out, v);
        });
        return out.toByteArray();
    }

    /**
     * Encodes details as the store keeps them: netstrings of key, value, key, value..., keys sorted.
     *
     * @param details the details
     * @return the encoded text
     */
    public static String encodeDetails(Map<String, String> details) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(details).forEach((k, v) -> {
            sb.append(k.length()).append(':').append(k).append(',');
            sb.append(v.length()).append(':').append(v).append(',');
        });
        return sb.toString();
    }

    /**
     * Decodes what {@link #encodeDetails} wrote.
     *
     * @param text the encoded details
     * @return the details, in key order
     * @throws IllegalArgumentException if the text is not a sequence of key/value netstrings
     */
    public static Map<String, String> decodeDetails(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        String key = null;
        while (i < text.length()) {
            int colon = text.indexOf(':', i);
            if (colon < 0) {
                throw new IllegalArgumentException("audit details: no ':' after position " + i);
            }
            int len = Integer.parseInt(text.substring(i, colon));
            int end = colon + 1 + len;
            if (len < 0 || end >= text.length() || text.charAt(end) != ',') {
                throw new IllegalArgumentException("audit details: bad netstring at position " + i);
            }
            String s = text.substring(colon + 1, end);
            if (key == null) {
                key = s;
            } else {
                out.put(key, s);
                key = null;
            }
            i = end + 1;
        }
        if (key != null) {
            throw new IllegalArgumentException("audit details: a key without a value");
        }
        return out;
    }

    private static void netstring(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(b);
        out.write(',');
    }
}

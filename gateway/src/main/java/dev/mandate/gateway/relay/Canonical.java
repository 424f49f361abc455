package dev.mandate.gateway.relay;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.core.audit.AuditDigest;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Argument digests: {@code sha256} of the arguments' canonical JSON (object members sorted by name at every depth, no
 * whitespace), so that the same arguments in any member order give the same digest — the binding an approval needs.
 *
 * <p>The canonical JSON is written straight into the hash (every call's arguments are digested, so this is on the hot
 * path): the tree is walked with its members sorted and a Jackson generator writes the bytes into the digest, without
 * the intermediate map and string. The bytes are those the earlier form produced (a sorted re-serialisation of the
 * arguments converted to plain maps); what the streaming writer would write differently (a lone surrogate in a
 * string, a float or decimal node) is digested by that earlier form, so a digest never changes with the way it is
 * computed ({@code CanonicalTest} holds the two forms to the same bytes).
 */
final class Canonical {
    private static final ObjectMapper SORTED =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    // Characters outside the BMP as four UTF-8 bytes, as the earlier form wrote them (not as two \\u escapes).
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    private static final String PREFIX = "sha256:";
    private static final MessageDigest SHA256 = newSha256();

    private Canonical() {}

    static String digest(JsonNode arguments) {
        MessageDigest sha256 = sha256();
        try (JsonGenerator out = FACTORY.createGenerator(new DigestStream(sha256), JsonEncoding.UTF8)) {
            write(arguments, out);
        } catch (IOException | IllegalArgumentException e) {
            return sortedCopy(arguments);
        }
        return PREFIX + HexFormat.of().formatHex(sha256.digest());
    }

    /** The earlier form, kept for what the streaming writer refuses: a sorted re-serialisation of plain maps. */
    static String sortedCopy(JsonNode arguments) {
        try {
            Object plain = SORTED.convertValue(arguments, Object.class);
            return AuditDigest.of(SORTED.writeValueAsString(plain));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }

    private static void write(JsonNode node, JsonGenerator out) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
                if (members.size() > 1) {
                    members.sort(Map.Entry.comparingByKey());
                }
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> member : members) {
                    out.writeFieldName(paired(member.getKey()));
                    write(member.getValue(), out);
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode element : node) {
                    write(element, out);
                }
                out.writeEndArray();
            }
            case NUMBER -> writeNumber(node, out);
            case STRING -> out.writeString(paired(node.textValue()));
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL, MISSING -> out.writeNull();
            // Binary and POJO nodes never come from parsing JSON; the earlier form decides how they read.
            case BINARY, POJO -> throw new IllegalArgumentException("not a parsed JSON value: " + node.getNodeType());
        }
    }

    /**
     * The text, if every surrogate in it is one of a pair. The earlier form turned a lone surrogate into {@code ?} (its
     * string was encoded as UTF-8); the streaming writer would escape it, so such text is left to the earlier form.
     */
    private static String paired(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isHighSurrogate(ch)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw new IllegalArgumentException("a lone surrogate at index " + i);
            }
        }
        return text;
    }

    /** Numbers as the earlier form wrote them after converting them to plain Java numbers. */
    private static void writeNumber(JsonNode node, JsonGenerator out) throws IOException {
        switch (node.numberType()) {
            case INT -> out.writeNumber(node.intValue());
            case LONG -> out.writeNumber(node.longValue());
            case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
            case DOUBLE -> out.writeNumber(node.doubleValue());
            // Floats and decimals are rare in arguments (the gateway's mapper parses doubles); the earlier form
            // decides how they read.
            case FLOAT, BIG_DECIMAL -> throw new IllegalArgumentException("a " + node.numberType() + " number");
        }
    }

    /** A fresh SHA-256: a copy of a prototype, cheaper than a provider look-up per call. */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Bytes written into a digest. */
    private static final class DigestStream extends OutputStream {
        private final MessageDigest digest;

        DigestStream(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}

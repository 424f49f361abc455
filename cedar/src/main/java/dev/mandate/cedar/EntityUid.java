package dev.mandate.cedar;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The identifier of an entity: its fully qualified type name (e.g. {@code NS::User}) and its id. A class
 * rather than a record so that the hash is computed once: uids are the keys of every hot-path lookup.
 */
public final class EntityUid implements Value {
    private final String type;
    private final String id;
    private final int hash;

    /**
     * Creates a uid.
     *
     * @param type the entity type, namespace components joined with {@code ::}
     * @param id the entity id, any string
     * @throws IllegalArgumentException if the type is empty
     */
    public EntityUid(String type, String id) {
        this.type = Objects.requireNonNull(type, "type");
        this.id = Objects.requireNonNull(id, "id");
        if (type.isEmpty()) {
            throw new IllegalArgumentException("entity type must not be empty (id " + quote(id) + ")");
        }
        // Scrambled so that sequential ids ("a1", "a2", ...) do not form probe clusters in open-addressing maps.
        int h = (type.hashCode() * 31 + id.hashCode()) * 0x9E3779B9;
        this.hash = h ^ (h >>> 16);
    }

    /**
     * Returns the type.
     *
     * @return the fully qualified type name
     */
    public String type() {
        return type;
    }

    /**
     * Returns the id.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o == this || (o instanceof EntityUid u && u.hash == hash && u.id.equals(id) && u.type.equals(type));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * Creates a uid.
     *
     * @param type the fully qualified type name
     * @param id the id
     * @return the uid
     */
    public static EntityUid of(String type, String id) {
        return new EntityUid(type, id);
    }

    /**
     * Parses the Cedar literal form {@code Type::"id"}.
     *
     * @param text e.g. {@code NS::User::"alice"}
     * @return the uid
     * @throws CedarParseException if the text is not an entity literal
     */
    public static EntityUid parse(String text) {
        return dev.mandate.cedar.internal.parse.Parser.parseEntityUid(text);
    }

    @Override
    public String typeName() {
        return "Entity";
    }

    /** Returns the Cedar literal form, e.g. {@code User::"alice"}. */
    @Override
    public String toString() {
        return type + "::" + quote(id);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0 -> b.append("\\0");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append("\\u{").append(Integer.toHexString(c)).append('}');
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }
}

package dev.mandate.cedar;

import java.util.Objects;

/**
 * A value of a Cedar extension type: {@code ipaddr}, {@code decimal}, {@code datetime} or {@code duration}.
 * The wrapped object is the matching class of {@code dev.mandate.cedar.extension}; equality is that class's
 * Cedar equality.
 *
 * @param typeName the Cedar extension type name
 * @param value the extension object
 */
public record ExtensionValue(String typeName, Object value) implements Value {
    /** Validates both parts. */
    public ExtensionValue {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Builds an extension value by calling the named constructor function on its text, as a policy would.
     *
     * @param function {@code ip}, {@code decimal}, {@code datetime} or {@code duration}
     * @param text the argument
     * @return the value
     * @throws CedarException if the function is unknown or the text is not valid for it
     */
    public static ExtensionValue parse(String function, String text) {
        return dev.mandate.cedar.internal.eval.Extensions.construct(function, text);
    }

    /** Returns the Cedar call that builds this value, e.g. {@code ip("10.0.0.1")}. */
    @Override
    public String toString() {
        String fn = switch (typeName) {
            case "ipaddr" -> "ip";
            default -> typeName;
        };
        return fn + "(" + EntityUid.quote(value.toString()) + ")";
    }
}

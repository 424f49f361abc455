package dev.mandate.cedar;

import dev.mandate.cedar.extension.Datetime;
import dev.mandate.cedar.extension.Decimal;
import dev.mandate.cedar.extension.Duration;
import dev.mandate.cedar.extension.IpAddr;
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
    /**
     * Validates that the type name matches the wrapped class.
     *
     * @throws IllegalArgumentException if the type name is unknown or does not match the value's class
     */
    public ExtensionValue {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (typeName) {
            case "ipaddr" -> IpAddr.class;
            case "decimal" -> Decimal.class;
            case "datetime" -> Datetime.class;
            case "duration" -> Duration.class;
            default ->
                throw new IllegalArgumentException(
                        "unknown extension type \"" + typeName + "\"; expected ipaddr, decimal, datetime or duration");
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException("extension type " + typeName + " needs a " + expected.getSimpleName()
                    + ", found " + value.getClass().getName());
        }
    }

    /**
     * Wraps an IP address or range.
     *
     * @param ip the address
     * @return the value
     */
    public static ExtensionValue of(IpAddr ip) {
        return new ExtensionValue("ipaddr", ip);
    }

    /**
     * Wraps a decimal.
     *
     * @param d the decimal
     * @return the value
     */
    public static ExtensionValue of(Decimal d) {
        return new ExtensionValue("decimal", d);
    }

    /**
     * Wraps a datetime.
     *
     * @param d the datetime
     * @return the value
     */
    public static ExtensionValue of(Datetime d) {
        return new ExtensionValue("datetime", d);
    }

    /**
     * Wraps a duration.
     *
     * @param d the duration
     * @return the value
     */
    public static ExtensionValue of(Duration d) {
        return new ExtensionValue("duration", d);
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

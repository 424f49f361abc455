package dev.mandate.cedar.internal.eval;

import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.CedarException;
import dev.mandate.cedar.ExtensionValue;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.Value;
import dev.mandate.cedar.extension.Datetime;
import dev.mandate.cedar.extension.Decimal;
import dev.mandate.cedar.extension.Duration;
import dev.mandate.cedar.extension.ExtensionException;
import dev.mandate.cedar.extension.IpAddr;
import java.util.List;

/** The Cedar extension functions and methods, bound to the value classes of {@code cedar.extension}. */
public final class Extensions {
    private Extensions() {}

    /**
     * Builds an extension value from its constructor function and text, outside any policy.
     *
     * @param function {@code ip}, {@code decimal}, {@code datetime} or {@code duration}
     * @param text the argument
     * @return the value
     * @throws CedarException when the function is unknown or the text invalid
     */
    public static ExtensionValue construct(String function, String text) {
        try {
            return (ExtensionValue) call(function, List.of(new StringValue(text)));
        } catch (EvalException e) {
            throw new CedarException(String.valueOf(e.getMessage()));
        }
    }

    /**
     * Calls an extension function outside any policy, e.g. for a JSON {@code __extn} escape.
     *
     * @param function the function name
     * @param args the arguments; a method's receiver first
     * @return the result
     * @throws CedarException when the call fails
     */
    public static Value apply(String function, List<Value> args) {
        try {
            return call(function, args);
        } catch (EvalException e) {
            throw new CedarException(String.valueOf(e.getMessage()));
        }
    }

    /**
     * Tells whether {@code <} and friends apply to values of an extension type.
     *
     * @param typeName the extension type
     * @return true for datetime and duration
     */
    static boolean supportsOrdering(String typeName) {
        return typeName.equals("datetime") || typeName.equals("duration");
    }

    static int compare(ExtensionValue a, ExtensionValue b) {
        if (a.value() instanceof Datetime x && b.value() instanceof Datetime y) {
            return x.compareTo(y);
        }
        if (a.value() instanceof Duration x && b.value() instanceof Duration y) {
            return x.compareTo(y);
        }
        throw new EvalException("type error: cannot order " + a.typeName() + " and " + b.typeName());
    }

    /**
     * Calls an extension function; for a method the receiver is the first argument.
     *
     * @param fn the function name
     * @param args evaluated arguments
     * @return the result
     * @throws EvalException on a wrong argument count or type, invalid text, or overflow
     */
    static Value call(String fn, List<Value> args) {
        try {
            return switch (fn) {
                case "ip" -> ext("ipaddr", IpAddr.parse(str(fn, args)));
                case "decimal" -> ext("decimal", Decimal.parse(str(fn, args)));
                case "datetime" -> ext("datetime", Datetime.parse(str(fn, args)));
                case "duration" -> ext("duration", Duration.parse(str(fn, args)));
                case "isIpv4" -> BoolValue.of(ip(fn, args, 1, 0).isIpv4());
                case "isIpv6" -> BoolValue.of(ip(fn, args, 1, 0).isIpv6());
                case "isLoopback" -> BoolValue.of(ip(fn, args, 1, 0).isLoopback());
                case "isMulticast" -> BoolValue.of(ip(fn, args, 1, 0).isMulticast());
                case "isInRange" -> BoolValue.of(ip(fn, args, 2, 0).isInRange(ip(fn, args, 2, 1)));
                case "lessThan" -> BoolValue.of(dec(fn, args, 0).lessThan(dec(fn, args, 1)));
                case "lessThanOrEqual" -> BoolValue.of(dec(fn, args, 0).lessThanOrEqual(dec(fn, args, 1)));
                case "greaterThan" -> BoolValue.of(dec(fn, args, 0).greaterThan(dec(fn, args, 1)));
                case "greaterThanOrEqual" -> BoolValue.of(dec(fn, args, 0).greaterThanOrEqual(dec(fn, args, 1)));
                case "offset" -> ext("datetime", dt(fn, args, 2, 0).offset(dur(fn, args, 2, 1)));
                case "durationSince" -> ext("duration", dt(fn, args, 2, 0).durationSince(dt(fn, args, 2, 1)));
                case "toDate" -> ext("datetime", dt(fn, args, 1, 0).toDate());
                case "toTime" -> ext("duration", dt(fn, args, 1, 0).toTime());
                case "toDays" -> new LongValue(dur(fn, args, 1, 0).toDays());
                case "toHours" -> new LongValue(dur(fn, args, 1, 0).toHours());
                case "toMinutes" -> new LongValue(dur(fn, args, 1, 0).toMinutes());
                case "toSeconds" -> new LongValue(dur(fn, args, 1, 0).toSeconds());
                case "toMilliseconds" -> new LongValue(dur(fn, args, 1, 0).toMilliseconds());
                default -> throw new EvalException("unknown extension function `" + fn + "`");
            };
        } catch (ExtensionException e) {
            throw new EvalException("error in " + fn + ": " + e.getMessage());
        }
    }

    private static ExtensionValue ext(String type, Object v) {
        return new ExtensionValue(type, v);
    }

    private static void arity(String fn, List<Value> args, int n) {
        if (args.size() != n) {
            throw new EvalException("`" + fn + "` takes " + n + " argument(s), found " + args.size());
        }
    }

    private static String str(String fn, List<Value> args) {
        arity(fn, args, 1);
        if (args.get(0) instanceof StringValue s) {
            return s.value();
        }
        throw new EvalException(
                "type error: `" + fn + "` needs a String, found " + args.get(0).typeName());
    }

    private static Object extArg(String fn, List<Value> args, int n, int i, String type) {
        arity(fn, args, n);
        if (args.get(i) instanceof ExtensionValue e && e.typeName().equals(type)) {
            return e.value();
        }
        throw new EvalException("type error: `" + fn + "` needs a " + type + ", found "
                + args.get(i).typeName());
    }

    private static IpAddr ip(String fn, List<Value> args, int n, int i) {
        return (IpAddr) extArg(fn, args, n, i, "ipaddr");
    }

    private static Decimal dec(String fn, List<Value> args, int i) {
        return (Decimal) extArg(fn, args, 2, i, "decimal");
    }

    private static Datetime dt(String fn, List<Value> args, int n, int i) {
        return (Datetime) extArg(fn, args, n, i, "datetime");
    }

    private static Duration dur(String fn, List<Value> args, int n, int i) {
        return (Duration) extArg(fn, args, n, i, "duration");
    }
}

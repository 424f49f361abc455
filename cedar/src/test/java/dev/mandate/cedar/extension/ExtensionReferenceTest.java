package dev.mandate.cedar.extension;

import static dev.mandate.cedar.extension.CedarReference.quote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.cedar.extension.CedarReference.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Differential tests: thousands of generated literals, near-valid and mutated, go through both these parsers
 * and the reference implementation (cedar-java), which must agree on acceptance, value and operations.
 */
final class ExtensionReferenceTest {
    private static final int SAMPLES = 3000;
    private static final String HEX = "0123456789abcdefABCDEF";

    /** One generated literal, the condition sent to the reference, and what these parsers predict. */
    private record Check(String input, String condition, Outcome expected) {}

    @Test
    void ipAddressesAgreeWithTheReference() {
        Random random = new Random(20261124);
        List<Check> checks = new ArrayList<>();
        List<IpAddr> accepted = new ArrayList<>();
        List<String> acceptedText = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            String s = mutate(random, random.nextBoolean() ? ipv4(random) : ipv6(random), ":./0123456789af%");
            IpAddr ip = parseOrNull(IpAddr::parse, s);
            String lit = "ip(" + quote(s) + ")";
            checks.add(new Check(s, lit + ".isIpv4()", ip == null ? Outcome.ERROR : of(ip.isIpv4())));
            if (ip != null) {
                checks.add(new Check(s, lit + ".isLoopback()", of(ip.isLoopback())));
                checks.add(new Check(s, lit + ".isMulticast()", of(ip.isMulticast())));
                checks.add(new Check(s, lit + " == ip(" + quote(ip.toString()) + ")", Outcome.TRUE));
                accepted.add(ip);
                acceptedText.add(s);
            }
        }
        for (int i = 0; i < SAMPLES && !accepted.isEmpty(); i++) {
            int a = random.nextInt(accepted.size());
            int b = random.nextInt(accepted.size());
            String cond = "ip(" + quote(acceptedText.get(a)) + ").isInRange(ip(" + quote(acceptedText.get(b)) + "))";
            checks.add(new Check(
                    acceptedText.get(a) + " in " + acceptedText.get(b),
                    cond,
                    of(accepted.get(a).isInRange(accepted.get(b)))));
            cond = "ip(" + quote(acceptedText.get(a)) + ") == ip(" + quote(acceptedText.get(b)) + ")";
            checks.add(new Check(
                    acceptedText.get(a) + " == " + acceptedText.get(b),
                    cond,
                    of(accepted.get(a).equals(accepted.get(b)))));
        }
        assertThat(accepted).hasSizeGreaterThan(SAMPLES / 5);
        assertAgree(checks);
    }

    @Test
    void decimalsAgreeWithTheReference() {
        Random random = new Random(7);
        List<Check> checks = new ArrayList<>();
        List<Decimal> accepted = new ArrayList<>();
        List<String> acceptedText = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            String s = (random.nextInt(3) == 0 ? "-" : "")
                    + digits(random, 0, random.nextInt(10) == 0 ? 20 : 16)
                    + (random.nextInt(20) == 0 ? "" : ".")
                    + digits(random, 0, 6);
            s = mutate(random, s, "-.0123456789+ e");
            Decimal d = parseOrNull(Decimal::parse, s);
            String lit = "decimal(" + quote(s) + ")";
            if (d == null) {
                checks.add(new Check(s, lit + " == " + lit, Outcome.ERROR));
            } else {
                checks.add(new Check(s, lit + " == decimal(" + quote(d.toString()) + ")", Outcome.TRUE));
                accepted.add(d);
                acceptedText.add(s);
            }
        }
        for (int i = 0; i < SAMPLES && !accepted.isEmpty(); i++) {
            int a = random.nextInt(accepted.size());
            int b = random.nextInt(accepted.size());
            String cond = "decimal(" + quote(acceptedText.get(a)) + ").lessThanOrEqual(decimal("
                    + quote(acceptedText.get(b)) + "))";
            checks.add(new Check(
                    acceptedText.get(a) + " <= " + acceptedText.get(b),
                    cond,
                    of(accepted.get(a).lessThanOrEqual(accepted.get(b)))));
        }
        assertThat(accepted).hasSizeGreaterThan(SAMPLES / 5);
        assertAgree(checks);
    }

    @Test
    void durationsAgreeWithTheReference() {
        Random random = new Random(11);
        String[] units = {"d", "h", "m", "s", "ms"};
        List<Check> checks = new ArrayList<>();
        int acceptedCount = 0;
        for (int i = 0; i < SAMPLES; i++) {
            StringBuilder sb = new StringBuilder(random.nextInt(3) == 0 ? "-" : "");
            int parts = random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                sb.append(digits(random, 1, random.nextInt(8) == 0 ? 21 : 6)).append(units[random.nextInt(5)]);
            }
            String s = mutate(random, sb.toString(), "-0123456789dhmsD");
            Duration d = parseOrNull(Duration::parse, s);
            String lit = "duration(" + quote(s) + ")";
            if (d == null) {
                checks.add(new Check(s, lit + " == " + lit, Outcome.ERROR));
            } else {
                acceptedCount++;
                checks.add(new Check(s, lit + " == duration(" + quote(d.toString()) + ")", Outcome.TRUE));
                checks.add(new Check(
                        s,
                        lit + ".toDays() == " + d.toDays() + " && " + lit + ".toHours() == "
                                + d.toHours() + " && " + lit + ".toMinutes() == " + d.toMinutes() + " && " + lit
                                + ".toSeconds() == " + d.toSeconds(),
                        Outcome.TRUE));
            }
        }
        assertThat(acceptedCount).isGreaterThan(SAMPLES / 5);
        assertAgree(checks);
    }

    @Test
    void datetimesAgreeWithTheReference() {
        Random random = new Random(13);
        List<Check> checks = new ArrayList<>();
        int acceptedCount = 0;
        for (int i = 0; i < SAMPLES; i++) {
            String s = String.format("%04d-%02d-%02d", random.nextInt(10_000), random.nextInt(14), random.nextInt(33));
            if (random.nextInt(4) != 0) {
                s += String.format("T%02d:%02d:%02d", random.nextInt(26), random.nextInt(62), random.nextInt(62));
                if (random.nextBoolean()) {
                    s += "." + digits(random, 1, 4);
                }
                s += random.nextInt(3) == 0
                        ? "Z"
                        : (random.nextBoolean() ? "+" : "-")
                                + String.format("%02d%02d", random.nextInt(26), random.nextInt(62));
            }
            s = mutate(random, s, "-:.TZ+0123456789 tz");
            Datetime d = parseOrNull(Datetime::parse, s);
            String lit = "datetime(" + quote(s) + ")";
            if (d == null) {
                checks.add(new Check(s, lit + " == " + lit, Outcome.ERROR));
            } else {
                acceptedCount++;
                String expected = "datetime(\"1970-01-01\").offset(duration(\"" + d.epochMillis() + "ms\"))";
                checks.add(new Check(s, lit + " == " + expected, Outcome.TRUE));
                checks.add(new Check(s, lit + " == datetime(" + quote(d.toString()) + ")", Outcome.TRUE));
                checks.add(new Check(
                        s,
                        lit + ".toDate() == datetime(\"1970-01-01\").offset(duration(\""
                                + d.toDate().epochMillis() + "ms\")) && " + lit + ".toTime() == duration(\""
                                + d.toTime().millis() + "ms\")",
                        Outcome.TRUE));
            }
        }
        assertThat(acceptedCount).isGreaterThan(SAMPLES / 5);
        assertAgree(checks);
    }

    private static void assertAgree(List<Check> checks) {
        List<Outcome> actual =
                CedarReference.evaluate(checks.stream().map(Check::condition).toList());
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            if (actual.get(i) != checks.get(i).expected()) {
                disagreements.add(checks.get(i) + " but the reference says " + actual.get(i));
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private static Outcome of(boolean b) {
        return b ? Outcome.TRUE : Outcome.FALSE;
    }

    private static <T> @org.jspecify.annotations.Nullable T parseOrNull(Function<String, T> parser, String s) {
        try {
            return parser.apply(s);
        } catch (ExtensionException e) {
            return null;
        }
    }

    private static String digits(Random random, int min, int max) {
        int n = min + random.nextInt(Math.max(1, max - min + 1));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private static String ipv4(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                sb.append('.');
            }
            int kind = random.nextInt(12);
            sb.append(
                    kind == 0
                            ? "0" + random.nextInt(10)
                            : kind == 1
                                    ? String.valueOf(250 + random.nextInt(10))
                                    : String.valueOf(random.nextInt(256)));
        }
        if (random.nextInt(3) == 0) {
            sb.setLength(0);
            sb.append(random.nextBoolean() ? "127." : "224.")
                    .append(random.nextInt(256))
                    .append(".0.1");
        }
        return sb + prefix(random, 34);
    }

    private static String ipv6(Random random) {
        int groups = random.nextInt(9);
        int gap = random.nextInt(3) == 0 ? -1 : random.nextInt(groups + 1);
        StringBuilder sb = new StringBuilder(random.nextInt(4) == 0 ? "ff0" + random.nextInt(10) + ":" : "");
        for (int i = 0; i < groups; i++) {
            if (i == gap) {
                sb.append(i == 0 ? "::" : ":");
            } else if (i > 0) {
                sb.append(':');
            }
            int len = random.nextInt(10) == 0 ? 5 : 1 + random.nextInt(4);
            for (int c = 0; c < len; c++) {
                sb.append(HEX.charAt(random.nextInt(HEX.length())));
            }
        }
        if (gap == groups) {
            sb.append("::");
        }
        if (random.nextInt(6) == 0) {
            sb.setLength(0);
            sb.append(random.nextBoolean() ? "::1" : "::");
        }
        return sb + prefix(random, 131);
    }

    private static String prefix(Random random, int max) {
        return switch (random.nextInt(8)) {
            case 0, 1, 2, 3 -> "";
            case 4 -> "/0" + random.nextInt(10);
            default -> "/" + random.nextInt(max);
        };
    }

    /** Sometimes deletes, duplicates or replaces one character, so near-misses are tested too. */
    private static String mutate(Random random, String s, String alphabet) {
        if (s.isEmpty() || random.nextInt(4) != 0) {
            return s;
        }
        int at = random.nextInt(s.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        return switch (random.nextInt(3)) {
            case 0 -> s.substring(0, at) + s.substring(at + 1);
            case 1 -> s.substring(0, at) + c + s.substring(at);
            default -> s.substring(0, at) + c + s.substring(at + 1);
        };
    }
}

package dev.mandate.cedar.extension;

import java.util.Arrays;

/**
 * A Cedar {@code ipaddr} value: an IPv4 or IPv6 address with a prefix length (32 or 128 for a single
 * address). As in the reference, the address bits beyond the prefix are kept, so {@code 10.0.0.1/8} and
 * {@code 10.0.0.0/8} are different values that cover the same range.
 */
public final class IpAddr {
    private static final int V4_BITS = 32;
    private static final int V6_BITS = 128;
    private static final IpAddr V4_LOOPBACK = new IpAddr(false, 0, 0x7f000000L, 8);
    private static final IpAddr V6_LOOPBACK = new IpAddr(true, 0, 1, 128);
    private static final IpAddr V4_MULTICAST = new IpAddr(false, 0, 0xe0000000L, 4);
    private static final IpAddr V6_MULTICAST = new IpAddr(true, 0xff00000000000000L, 0, 8);

    private final boolean ipv6;
    /** The upper 64 bits of an IPv6 address; always 0 for IPv4. */
    private final long high;
    /** The lower 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits. */
    private final long low;

    private final int prefixLength;

    private IpAddr(boolean ipv6, long high, long low, int prefixLength) {
        this.ipv6 = ipv6;
        this.high = high;
        this.low = low;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses what Cedar's {@code ip("...")} accepts: a dotted-quad IPv4 address without leading zeros, or an
     * IPv6 address in colon-hex form (at most one {@code ::}, no zone id, no embedded IPv4), optionally
     * followed by {@code /prefix} where the prefix is decimal without leading zeros and at most 32 (IPv4) or
     * 128 (IPv6).
     *
     * @param text the literal
     * @return the value
     * @throws ExtensionException if {@code text} breaks one of these rules; the message says which
     */
    public static IpAddr parse(String text) {
        ExtensionException.checkLength("ipaddr", text);
        if (countAtLeastTwo(text, ':') && countAtLeastTwo(text, '.')) {
            throw bad(text, "IPv4 embedded in IPv6 (like ::ffff:127.0.0.1) is not accepted; write it as hex groups");
        }
        IpAddr whole = parseAddress(text);
        if (whole != null) {
            return whole;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw bad(text, "not an IPv4 or IPv6 address");
        }
        String addressText = text.substring(0, slash);
        IpAddr address = parseAddress(addressText);
        if (address == null) {
            throw bad(text, "`" + addressText + "` before the `/` is not an IPv4 or IPv6 address");
        }
        int max = address.ipv6 ? V6_BITS : V4_BITS;
        int prefix = parsePrefix(text, text.substring(slash + 1), max);
        return new IpAddr(address.ipv6, address.high, address.low, prefix);
    }

    private static int parsePrefix(String text, String prefix, int max) {
        if (prefix.isEmpty()) {
            throw bad(text, "the prefix length after `/` is empty");
        }
        int maxDigits = max == V4_BITS ? 2 : 3;
        if (prefix.length() > maxDigits) {
            throw bad(text, "the prefix length `" + prefix + "` has more than " + maxDigits + " characters");
        }
        int value = 0;
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(text, "the prefix length `" + prefix + "` has a non-digit");
            }
            value = value * 10 + (c - '0');
        }
        if (prefix.length() > 1 && prefix.charAt(0) == '0') {
            throw bad(text, "the prefix length `" + prefix + "` has a leading zero");
        }
        if (value > max) {
            throw bad(text, "the prefix length " + value + " is larger than " + max);
        }
        return value;
    }

    private static @org.jspecify.annotations.Nullable IpAddr parseAddress(String s) {
        Long v4 = parseIpv4(s);
        if (v4 != null) {
            return new IpAddr(false, 0, v4, V4_BITS);
        }
        int[] groups = parseIpv6(s);
        if (groups == null) {
            return null;
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | groups[i];
            lo = (lo << 16) | groups[i + 4];
        }
        return new IpAddr(true, hi, lo, V6_BITS);
    }

    /** Four decimal octets of 1 to 3 digits, no leading zero, each at most 255 (Rust's {@code Ipv4Addr}). */
    private static @org.jspecify.annotations.Nullable Long parseIpv4(String s) {
        long value = 0;
        int pos = 0;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (pos >= s.length() || s.charAt(pos) != '.') {
                    return null;
                }
                pos++;
            }
            int start = pos;
            int n = 0;
            while (pos < s.length() && pos - start < 3 && isDigit(s.charAt(pos))) {
                n = n * 10 + (s.charAt(pos) - '0');
                pos++;
            }
            int digits = pos - start;
            if (digits == 0 || (digits > 1 && s.charAt(start) == '0') || n > 255) {
                return null;
            }
            value = (value << 8) | n;
        }
        return pos == s.length() ? value : null;
    }

    /**
     * Colon-hex groups of 1 to 4 hex digits with at most one {@code ::} (Rust's {@code Ipv6Addr}, minus the
     * embedded-IPv4 form that Cedar rejects before getting here).
     */
    private static int @org.jspecify.annotations.Nullable [] parseIpv6(String s) {
        int[] head = new int[8];
        int[] cursor = {0};
        int headSize = readGroups(s, cursor, head, 8);
        if (headSize == 8) {
            return cursor[0] == s.length() ? head : null;
        }
        if (!s.startsWith("::", cursor[0])) {
            return null;
        }
        cursor[0] += 2;
        int[] tail = new int[8];
        int tailSize = readGroups(s, cursor, tail, 7 - headSize);
        if (cursor[0] != s.length()) {
            return null;
        }
        int[] groups = Arrays.copyOf(head, 8);
        System.arraycopy(tail, 0, groups, 8 - tailSize, tailSize);
        return groups;
    }

    /** Reads up to {@code limit} groups separated by single colons; stops before anything else. */
    private static int readGroups(String s, int[] cursor, int[] into, int limit) {
        for (int i = 0; i < limit; i++) {
            int pos = cursor[0];
            if (i > 0) {
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    return i;
                }
                pos++;
            }
            int start = pos;
            int value = 0;
            while (pos < s.length()
                    && pos - start < 4
                    && Character.digit(s.charAt(pos), 16) >= 0
                    && s.charAt(pos) < 128) {
                value = (value << 4) | Character.digit(s.charAt(pos), 16);
                pos++;
            }
            if (pos == start) {
                return i;
            }
            into[i] = value;
            cursor[0] = pos;
        }
        return limit;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean countAtLeastTwo(String s, char c) {
        int first = s.indexOf(c);
        return first >= 0 && s.indexOf(c, first + 1) >= 0;
    }

    private static ExtensionException bad(String text, String rule) {
        return new ExtensionException("invalid ipaddr literal \"" + text + "\": " + rule);
    }

    /**
     * Returns whether this is an IPv4 address or range.
     *
     * @return true for IPv4
     */
    public boolean isIpv4() {
        return !ipv6;
    }

    /**
     * Returns whether this is an IPv6 address or range.
     *
     * @return true for IPv6
     */
    public boolean isIpv6() {
        return ipv6;
    }

    /**
     * Returns the prefix length: 32 or 128 for a single address.
     *
     * @return the number of network bits
     */
    public int prefixLength() {
        return prefixLength;
    }

    /**
     * Returns whether the whole range lies in {@code 127.0.0.0/8} (IPv4) or is {@code ::1} (IPv6).
     *
     * @return true for a loopback address or range
     */
    public boolean isLoopback() {
        return isInRange(ipv6 ? V6_LOOPBACK : V4_LOOPBACK);
    }

    /**
     * Returns whether the whole range lies in {@code 224.0.0.0/4} (IPv4) or {@code ff00::/8} (IPv6).
     *
     * @return true for a multicast address or range
     */
    public boolean isMulticast() {
        return isInRange(ipv6 ? V6_MULTICAST : V4_MULTICAST);
    }

    /**
     * Returns whether every address of this range lies in {@code other}'s range; false when one is IPv4 and
     * the other IPv6.
     *
     * @param other the enclosing range
     * @return true if this range is contained in {@code other}
     */
    public boolean isInRange(IpAddr other) {
        if (ipv6 != other.ipv6) {
            return false;
        }
        int bits = ipv6 ? V6_BITS : V4_BITS;
        // Compare as unsigned 128-bit numbers (IPv4 sits in the low 32 bits of `low`).
        long[] selfNet = network(high, low, prefixLength, bits);
        long[] otherNet = network(other.high, other.low, other.prefixLength, bits);
        long[] selfBcast = broadcast(high, low, prefixLength, bits);
        long[] otherBcast = broadcast(other.high, other.low, other.prefixLength, bits);
        return compareUnsigned128(otherNet, selfNet) <= 0 && compareUnsigned128(selfBcast, otherBcast) <= 0;
    }

    private static long[] hostMask(int prefix, int bits) {
        int hostBits = bits - prefix;
        long lowMask = hostBits >= 64 ? -1L : (1L << hostBits) - 1;
        long highMask = hostBits <= 64 ? 0 : hostBits >= 128 ? -1L : (1L << (hostBits - 64)) - 1;
        return new long[] {highMask, lowMask};
    }

    private static long[] network(long high, long low, int prefix, int bits) {
        long[] mask = hostMask(prefix, bits);
        return new long[] {high & ~mask[0], low & ~mask[1]};
    }

    private static long[] broadcast(long high, long low, int prefix, int bits) {
        long[] mask = hostMask(prefix, bits);
        return new long[] {high | mask[0], low | mask[1]};
    }

    private static int compareUnsigned128(long[] a, long[] b) {
        int c = Long.compareUnsigned(a[0], b[0]);
        return c != 0 ? c : Long.compareUnsigned(a[1], b[1]);
    }

    /**
     * Equal when both family, address (all bits, also those beyond the prefix) and prefix length are equal,
     * as Cedar's {@code ==} on {@code ipaddr} values.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddr other
                && ipv6 == other.ipv6
                && high == other.high
                && low == other.low
                && prefixLength == other.prefixLength;
    }

    @Override
    public int hashCode() {
        return ((Boolean.hashCode(ipv6) * 31 + Long.hashCode(high)) * 31 + Long.hashCode(low)) * 31 + prefixLength;
    }

    /**
     * Returns text that {@link #parse} maps back to an equal value: dotted quad or RFC 5952 IPv6, followed by
     * {@code /prefix} unless the prefix covers the whole address.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (ipv6) {
            appendIpv6(sb);
        } else {
            sb.append((low >>> 24) & 0xff)
                    .append('.')
                    .append((low >>> 16) & 0xff)
                    .append('.')
                    .append((low >>> 8) & 0xff)
                    .append('.')
                    .append(low & 0xff);
        }
        if (prefixLength != (ipv6 ? V6_BITS : V4_BITS)) {
            sb.append('/').append(prefixLength);
        }
        return sb.toString();
    }

    private void appendIpv6(StringBuilder sb) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((high >>> (48 - 16 * i)) & 0xffff);
            g[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xffff);
        }
        // RFC 5952: compress the longest run (first if tied) of at least two zero groups.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
    }
}

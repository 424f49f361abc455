package dev.mandate.cedar.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class IpAddrTest {
    record Accepted(String input, String canonical, boolean ipv4, boolean loopback, boolean multicast) {}

    record Rejected(String input, String rule) {}

    record Range(String inner, String outer, boolean inRange) {}

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("127.0.0.1", "127.0.0.1", true, true, false),
                new Accepted("127.0.0.1/32", "127.0.0.1", true, true, false),
                new Accepted("127.1.2.3/8", "127.1.2.3/8", true, true, false),
                new Accepted("127.0.0.1/7", "127.0.0.1/7", true, false, false),
                new Accepted("0.0.0.0/0", "0.0.0.0/0", true, false, false),
                new Accepted("224.0.0.1/4", "224.0.0.1/4", true, false, true),
                new Accepted("224.0.0.1/3", "224.0.0.1/3", true, false, false),
                new Accepted("239.255.255.255", "239.255.255.255", true, false, true),
                new Accepted("240.0.0.0", "240.0.0.0", true, false, false),
                new Accepted("::1", "::1", false, true, false),
                new Accepted("::1/127", "::1/127", false, false, false),
                new Accepted("::", "::", false, false, false),
                new Accepted("0:0:0:0:0:0:0:1", "::1", false, true, false),
                new Accepted("FF02::1/8", "ff02::1/8", false, false, true),
                new Accepted("ff00::/7", "ff00::/7", false, false, false),
                new Accepted("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", false, false, false),
                new Accepted("::1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7", false, false, false),
                new Accepted("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", false, false, false),
                new Accepted("0001:0db8::/128", "1:db8::", false, false, false),
                new Accepted("::ffff:7f00:1", "::ffff:7f00:1", false, false, false),
                new Accepted("10.0.0.0/10", "10.0.0.0/10", true, false, false),
                new Accepted("::/0", "::/0", false, false, false));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void parsesWhatTheReferenceAccepts(Accepted c) {
        IpAddr ip = IpAddr.parse(c.input());
        assertThat(ip.toString()).isEqualTo(c.canonical());
        assertThat(ip.isIpv4()).isEqualTo(c.ipv4());
        assertThat(ip.isIpv6()).isEqualTo(!c.ipv4());
        assertThat(ip.isLoopback()).isEqualTo(c.loopback());
        assertThat(ip.isMulticast()).isEqualTo(c.multicast());
        assertThat(IpAddr.parse(c.canonical())).isEqualTo(ip).hasSameHashCodeAs(ip);
    }

    static Stream<Rejected> rejected() {
        return Stream.of(
                new Rejected("", "not an IPv4 or IPv6 address"),
                new Rejected("01.2.3.4", "not an IPv4 or IPv6 address"),
                new Rejected("1.2.3.04", "not an IPv4 or IPv6 address"),
                new Rejected("256.1.1.1", "not an IPv4 or IPv6 address"),
                new Rejected("1.2.3", "not an IPv4 or IPv6 address"),
                new Rejected("1.2.3.4.5", "not an IPv4 or IPv6 address"),
                new Rejected(" 1.2.3.4", "not an IPv4 or IPv6 address"),
                new Rejected("1.2.3.4:80", "not an IPv4 or IPv6 address"),
                new Rejected("::ffff:1.2.3.4", "IPv4 embedded in IPv6"),
                new Rejected("::1.2.3.4", "IPv4 embedded in IPv6"),
                new Rejected("fe80::1%eth0", "not an IPv4 or IPv6 address"),
                new Rejected("[::1]", "not an IPv4 or IPv6 address"),
                new Rejected("1::2::3", "not an IPv4 or IPv6 address"),
                new Rejected("1:2:3:4:5:6:7:8::", "not an IPv4 or IPv6 address"),
                new Rejected("::1:2:3:4:5:6:7:8", "not an IPv4 or IPv6 address"),
                new Rejected("00001::", "not an IPv4 or IPv6 address"),
                new Rejected(":1::", "not an IPv4 or IPv6 address"),
                new Rejected("１.2.3.4", "not an IPv4 or IPv6 address"),
                new Rejected("10.0.0.0/", "empty"),
                new Rejected("10.0.0.0/08", "leading zero"),
                new Rejected("10.0.0.0/00", "leading zero"),
                new Rejected("::/012", "leading zero"),
                new Rejected("10.0.0.0/+8", "non-digit"),
                new Rejected("10.0.0.0/-1", "non-digit"),
                new Rejected("10.0.0.0/8 ", "non-digit"),
                new Rejected("10.0.0.0/008", "more than 2 characters"),
                new Rejected("::/0128", "more than 3 characters"),
                new Rejected("10.0.0.0/33", "larger than 32"),
                new Rejected("::/129", "larger than 128"),
                new Rejected("1.2.3.4/8/8", "more than 2 characters"),
                new Rejected("x/8", "before the `/`"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectsWhatTheReferenceRejects(Rejected c) {
        assertThatThrownBy(() -> IpAddr.parse(c.input()))
                .isInstanceOf(ExtensionException.class)
                .hasMessageContaining("\"" + c.input() + "\"")
                .hasMessageContaining(c.rule());
    }

    static Stream<Range> ranges() {
        return Stream.of(
                new Range("10.1.2.3", "10.0.0.0/8", true),
                new Range("10.0.0.0/8", "10.1.2.3/8", true),
                new Range("10.0.0.0/7", "10.0.0.0/8", false),
                new Range("11.0.0.0", "10.0.0.0/8", false),
                new Range("1.2.3.4", "0.0.0.0/0", true),
                new Range("::1", "0.0.0.0/0", false),
                new Range("1.2.3.4", "::/0", false),
                new Range("2001:db8::1", "2001:db8::/32", true),
                new Range("2001:db9::1", "2001:db8::/32", false),
                new Range("2001:db8::/31", "2001:db8::/32", false),
                new Range("::/0", "::/0", true),
                new Range("8000::/1", "::/1", false),
                new Range("::ffff:ffff:ffff:ffff", "::/64", true),
                new Range("0:0:0:1::", "::/64", false));
    }

    @ParameterizedTest
    @MethodSource("ranges")
    void isInRangeComparesTheCoveredAddresses(Range c) {
        assertThat(IpAddr.parse(c.inner()).isInRange(IpAddr.parse(c.outer()))).isEqualTo(c.inRange());
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void equalityKeepsHostBitsAndPrefix(Accepted c) {
        assertThat(IpAddr.parse("10.0.0.1/8")).isNotEqualTo(IpAddr.parse("10.0.0.0/8"));
        assertThat(IpAddr.parse("10.0.0.0/8")).isNotEqualTo(IpAddr.parse("10.0.0.0/9"));
        assertThat(IpAddr.parse("::")).isNotEqualTo(IpAddr.parse("0.0.0.0"));
        assertThat(IpAddr.parse(c.input())).isEqualTo(IpAddr.parse(c.input()));
    }

    @Property
    void toStringParsesBackToAnEqualValue(@ForAll("addresses") IpAddr ip) {
        assertThat(IpAddr.parse(ip.toString())).isEqualTo(ip);
        assertThat(ip.isInRange(ip)).isTrue();
    }

    @Provide
    Arbitrary<IpAddr> addresses() {
        Arbitrary<IpAddr> v4 = Combinators.combine(
                        Arbitraries.integers().between(0, 255).list().ofSize(4),
                        Arbitraries.integers().between(0, 32))
                .as((octets, prefix) -> IpAddr.parse(
                        String.join(".", octets.stream().map(String::valueOf).toList()) + "/" + prefix));
        Arbitrary<IpAddr> v6 = Combinators.combine(
                        Arbitraries.integers().between(0, 0xffff).list().ofSize(8),
                        Arbitraries.integers().between(0, 128),
                        Arbitraries.integers().between(0, 8))
                .as((groups, prefix, zeros) -> {
                    // Zero a run of groups so compressed forms are common.
                    for (int i = 0; i < zeros; i++) {
                        groups.set((i + prefix) % 8, 0);
                    }
                    return IpAddr.parse(String.join(
                                    ":",
                                    groups.stream().map(Integer::toHexString).toList()) + "/" + prefix);
                });
        return Arbitraries.oneOf(v4, v6);
    }
}

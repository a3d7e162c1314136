package io.floodwatch.detector.rates;

import java.util.Arrays;
import java.util.List;

import io.floodwatch.schema.target.IpAddress;

/**
 * Source prefixes as one {@code long}, IPv4 and IPv6 alike, so that one frequent-items sketch counts both: an IPv6
 * prefix (at most /64) is the top 64 bits of its network; an IPv4 prefix is its network tagged with
 * {@code ffff:ffff::/32} in the top half, a block of the multicast range {@code ff00::/8} that is never a source
 * address.
 *
 * <p>Above that prefix length, the wider levels of the hierarchy (by default IPv4 /20 and /16, IPv6 /56, /48, /40
 * and /32) are encoded the same way with the prefix length in the low 6 bits, which a network that short leaves
 * zero: one key space for every wider level of both families, so one sketch counts them all.
 */
public final class SourcePrefixes {

    /** Longest wider IPv4 level: its network leaves the 6 low bits free for the length. */
    public static final int IPV4_WIDER_MAX = 26;
    /** Longest wider IPv6 level: its top 64 bits leave the 6 low bits free for the length. */
    public static final int IPV6_WIDER_MAX = 58;

    private static final long IPV4_TAG = 0xFFFF_FFFF_0000_0000L;
    private static final long LENGTH_BITS = 0x3FL;

    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;
    private final int[] ipv4Wider;
    private final int[] ipv6Wider;

    /**
     * Prefixes of one length per family, with no wider levels.
     *
     * @param ipv4PrefixLength IPv4 prefix length
     * @param ipv6PrefixLength IPv6 prefix length, at most 64
     */
    public SourcePrefixes(int ipv4PrefixLength, int ipv6PrefixLength) {
        this(ipv4PrefixLength, ipv6PrefixLength, List.of(), List.of());
    }

    /**
     * @param ipv4PrefixLength IPv4 prefix length
     * @param ipv6PrefixLength IPv6 prefix length, at most 64
     * @param ipv4Wider the wider IPv4 levels, each shorter than {@code ipv4PrefixLength} and at most
     *                  {@value #IPV4_WIDER_MAX}
     * @param ipv6Wider the wider IPv6 levels, each shorter than {@code ipv6PrefixLength} and at most
     *                  {@value #IPV6_WIDER_MAX}
     * @throws IllegalArgumentException if a level is out of those bounds
     */
    public SourcePrefixes(int ipv4PrefixLength, int ipv6PrefixLength, List<Integer> ipv4Wider, List<Integer> ipv6Wider) {
        this.ipv4PrefixLength = ipv4PrefixLength;
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.ipv4Wider = levels(ipv4Wider, Math.min(IPV4_WIDER_MAX, ipv4PrefixLength - 1), "IPv4");
        this.ipv6Wider = levels(ipv6Wider, Math.min(IPV6_WIDER_MAX, ipv6PrefixLength - 1), "IPv6");
    }

    private static int[] levels(List<Integer> lengths, int longest, String family) {
        int[] levels = lengths.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        for (int length : levels) {
            if (length < 1 || length > longest) {
                throw new IllegalArgumentException("wider " + family + " prefix length /" + length
                    + " must be between /1 and /" + longest + " (shorter than the prefix length)");
            }
        }
        // longest first: the hierarchy is walked from the narrowest level up
        for (int i = 0; i < levels.length / 2; i++) {
            int swap = levels[i];
            levels[i] = levels[levels.length - 1 - i];
            levels[levels.length - 1 - i] = swap;
        }
        return levels;
    }

    /** The prefix of an IPv4 address given as an unsigned 32-bit value. */
    public long ipv4(long address) {
        return IPV4_TAG | IpAddress.ipv4Network(address, ipv4PrefixLength);
    }

    /** The prefix of an IPv6 address given by its top 64 bits. */
    public long ipv6(long high64) {
        return IpAddress.ipv6Network(high64, ipv6PrefixLength);
    }

    /** The CIDR text of an encoded prefix. */
    public String cidr(long prefix) {
        if ((prefix & IPV4_TAG) == IPV4_TAG) {
            return IpAddress.ipv4Cidr(prefix & 0xFFFF_FFFFL, ipv4PrefixLength);
        }
        return IpAddress.ipv6Cidr(prefix, ipv6PrefixLength);
    }

    /**
     * Writes the keys of an IPv4 address's wider prefixes into {@code keys}, narrowest first.
     *
     * @return how many were written (the number of wider IPv4 levels)
     */
    public int widerIpv4(long address, long[] keys) {
        for (int i = 0; i < ipv4Wider.length; i++) {
            keys[i] = IPV4_TAG | IpAddress.ipv4Network(address, ipv4Wider[i]) | ipv4Wider[i];
        }
        return ipv4Wider.length;
    }

    /** The same for an IPv6 address given by its top 64 bits. */
    public int widerIpv6(long high64, long[] keys) {
        for (int i = 0; i < ipv6Wider.length; i++) {
            keys[i] = IpAddress.ipv6Network(high64, ipv6Wider[i]) | ipv6Wider[i];
        }
        return ipv6Wider.length;
    }

    /** The most wider levels of one family: the size of the array {@link #widerIpv4} and {@link #widerIpv6} fill. */
    public int widerLevels() {
        return Math.max(ipv4Wider.length, ipv6Wider.length);
    }

    /** The CIDR text of an encoded wider prefix. */
    public static String widerCidr(long key) {
        int length = (int) (key & LENGTH_BITS);
        long network = key & ~LENGTH_BITS;
        if ((network & IPV4_TAG) == IPV4_TAG) {
            return IpAddress.ipv4Cidr(network & 0xFFFF_FFFFL, length);
        }
        return IpAddress.ipv6Cidr(network, length);
    }

    @Override
    public String toString() {
        return "/" + ipv4PrefixLength + " " + Arrays.toString(ipv4Wider) + ", /" + ipv6PrefixLength + " "
            + Arrays.toString(ipv6Wider);
    }
}

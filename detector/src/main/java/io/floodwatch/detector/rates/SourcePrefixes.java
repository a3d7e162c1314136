package io.floodwatch.detector.rates;

import io.floodwatch.schema.target.IpAddress;

/**
 * Source prefixes as one {@code long}, IPv4 and IPv6 alike, so that one frequent-items sketch counts both: an IPv6
 * prefix (at most /64) is the top 64 bits of its network; an IPv4 prefix is its network tagged with
 * {@code ffff:ffff::/32} in the top half, a block of the multicast range {@code ff00::/8} that is never a source
 * address.
 */
public final class SourcePrefixes {

    private static final long IPV4_TAG = 0xFFFF_FFFF_0000_0000L;

    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;

    /**
     * @param ipv4PrefixLength IPv4 prefix length
     * @param ipv6PrefixLength IPv6 prefix length, at most 64
     */
    public SourcePrefixes(int ipv4PrefixLength, int ipv6PrefixLength) {
        this.ipv4PrefixLength = ipv4PrefixLength;
        this.ipv6PrefixLength = ipv6PrefixLength;
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
}

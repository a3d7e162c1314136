package io.floodwatch.gateway.enforce;

import io.floodwatch.schema.target.IpAddress;

/**
 * An IPv4 or IPv6 network (an address is a network of full length), with its bits in two longs: IPv4 in the low
 * 32 bits of {@code low}, IPv6 across {@code high} and {@code low}. IPv4-mapped IPv6 addresses count as IPv4, so a
 * command on {@code 203.0.113.0/24} also applies to {@code ::ffff:203.0.113.7}.
 *
 * @param ipv6 whether this is an IPv6 network
 * @param high upper 64 bits (IPv6), 0 for IPv4
 * @param low lower 64 bits (IPv6) or the IPv4 address
 * @param length prefix length
 */
record Network(boolean ipv6, long high, long low, int length) {

    /** The address as a full-length network, or null if the text is not an address. */
    static Network address(String text) {
        if (text == null) {
            return null;
        }
        long ipv4 = IpAddress.parseIpv4(text);
        if (ipv4 != IpAddress.NOT_IPV4) {
            return new Network(false, 0, ipv4, 32);
        }
        byte[] bytes = IpAddress.parseIpv6(text);
        if (bytes == null) {
            return null;
        }
        long mapped = IpAddress.mappedIpv4(bytes);
        if (mapped != IpAddress.NOT_IPV4) {
            return new Network(false, 0, mapped, 32);
        }
        return new Network(true, IpAddress.ipv6High(bytes), IpAddress.ipv6Low(bytes), 128);
    }

    /**
     * A network from CIDR text ({@code 203.0.113.0/24}, {@code 2001:db8::/32}); host bits are cleared.
     *
     * @throws IllegalArgumentException with a reason, if the text is not a CIDR block
     */
    static Network cidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR block (expected address/length)");
        }
        Network address = address(text.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("not a CIDR block: the address does not parse");
        }
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR block: the prefix length is not a number");
        }
        boolean mappedIpv4 = !address.ipv6() && text.indexOf(':') >= 0;
        if (mappedIpv4) {
            length -= 96;
        }
        int max = address.ipv6() ? 128 : 32;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("not a CIDR block: the prefix length is outside 0.." + max);
        }
        return address.truncate(length);
    }

    /** This network's address cut to a shorter prefix length. */
    Network truncate(int prefixLength) {
        if (!ipv6) {
            return new Network(false, 0, IpAddress.ipv4Network(low, prefixLength), prefixLength);
        }
        if (prefixLength <= 64) {
            return new Network(true, IpAddress.ipv6Network(high, prefixLength), 0, prefixLength);
        }
        return new Network(true, high, low & (-1L << (128 - prefixLength)), prefixLength);
    }
}

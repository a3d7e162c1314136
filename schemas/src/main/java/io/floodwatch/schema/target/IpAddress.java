package io.floodwatch.schema.target;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Allocation-free parsing of source addresses and their prefixes.
 *
 * <p>IPv4 text must be canonical dotted decimal (no leading zeros, which some stacks read as octal, so one
 * address could be written many ways to dodge per-address limits). IPv6 text is parsed by the JDK as a
 * literal only (it is bracketed first, so no DNS lookup can happen).
 */
public final class IpAddress {

    /** Returned by {@link #parseIpv4} for text that is not an IPv4 address. */
    public static final long NOT_IPV4 = -1L;

    private static final int MAX_IPV6_TEXT = 45;

    private IpAddress() {
    }

    /** The address as an unsigned 32-bit value, or {@link #NOT_IPV4}. */
    public static long parseIpv4(CharSequence text) {
        int length = text.length();
        if (length < 7 || length > 15) {
            return NOT_IPV4;
        }
        long address = 0;
        int octets = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= length; i++) {
            char c = i < length ? text.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return NOT_IPV4;
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return NOT_IPV4;
                }
            } else if (c == '.') {
                if (digits == 0 || octets == 4) {
                    return NOT_IPV4;
                }
                address = (address << 8) | value;
                octets++;
                value = 0;
                digits = 0;
            } else {
                return NOT_IPV4;
            }
        }
        return octets == 4 ? address : NOT_IPV4;
    }

    /** The 16 bytes of an IPv6 literal, or null if the text is not one. */
    public static byte[] parseIpv6(String text) {
        int length = text.length();
        if (length < 2 || length > MAX_IPV6_TEXT || text.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean allowed = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                || c == ':' || c == '.';
            if (!allowed) {
                return null;
            }
        }
        try {
            byte[] bytes = InetAddress.getByName("[" + text + "]").getAddress();
            if (bytes.length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}), or {@link #NOT_IPV4}. */
    public static long mappedIpv4(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return NOT_IPV4;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return NOT_IPV4;
        }
        return ((address[12] & 0xffL) << 24) | ((address[13] & 0xffL) << 16) | ((address[14] & 0xffL) << 8)
            | (address[15] & 0xffL);
    }

    /** Canonical text of an IPv6 address (RFC 5952: lower case, longest run of two or more zero groups as "::"). */
    public static String ipv6Text(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Whether the text is a valid IPv4 or IPv6 address. */
    public static boolean isValid(String text) {
        return parseIpv4(text) != NOT_IPV4 || parseIpv6(text) != null;
    }

    /** The dotted-decimal text of an IPv4 address. */
    public static String ipv4Text(long address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
            + (address & 0xff);
    }

    /** The network address of an IPv4 address under a prefix length, as an unsigned value. */
    public static long ipv4Network(long address, int prefixLength) {
        long mask = prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
        return address & mask;
    }

    /** CIDR text of an IPv4 network. */
    public static String ipv4Cidr(long network, int prefixLength) {
        return ipv4Text(network) + "/" + prefixLength;
    }

    /** The upper 64 bits of an IPv6 address. */
    public static long ipv6High(byte[] address) {
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (address[i] & 0xff);
        }
        return high;
    }

    /** The lower 64 bits of an IPv6 address. */
    public static long ipv6Low(byte[] address) {
        long low = 0;
        for (int i = 8; i < 16; i++) {
            low = (low << 8) | (address[i] & 0xff);
        }
        return low;
    }

    /** The upper 64 bits of an IPv6 address masked to a prefix length of at most 64. */
    public static long ipv6Network(long high, int prefixLength) {
        return prefixLength == 0 ? 0 : high & (-1L << (64 - prefixLength));
    }

    /** CIDR text of an IPv6 network whose prefix length is at most 64, e.g. {@code 2001:db8:1:2::/64}. */
    public static String ipv6Cidr(long network, int prefixLength) {
        StringBuilder text = new StringBuilder(32);
        int groups = 4;
        while (groups > 1 && ((network >>> (16 * (4 - groups))) & 0xffff) == 0) {
            groups--;
        }
        for (int g = 0; g < groups; g++) {
            if (g > 0) {
                text.append(':');
            }
            text.append(Long.toHexString((network >>> (48 - 16 * g)) & 0xffff));
        }
        return text.append("::/").append(prefixLength).toString();
    }
}

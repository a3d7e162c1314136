package io.floodwatch.schema.target;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @Test
    void shouldParseAddressAsUnsignedValueWhenIpv4IsCanonical() {
        // Given
        String address = "203.0.113.7";

        // When
        long parsed = IpAddress.parseIpv4(address);

        // Then
        assertEquals((203L << 24) | (113L << 8) | 7L, parsed);
        assertEquals(0L, IpAddress.parseIpv4("0.0.0.0"));
        assertEquals(0xffffffffL, IpAddress.parseIpv4("255.255.255.255"));
        assertEquals(address, IpAddress.ipv4Text(parsed));
        assertTrue(IpAddress.isValid(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01.2.3.4", "10.0.0.010", "203.0.113.00", "256.1.1.1", "1.2.3.300", "1.2.3", "1.2.3.4.5",
        "1.2.3.4.", ".1.2.3.4", "10..20.30", "1.2.3.a", "a.b.c.d", " 1.2.3.4", "1.2.3.-4", ""})
    void shouldRejectIpv4WhenTextIsNotCanonicalDottedDecimal(String text) {
        // Given text with leading zeros, an octet above 255, the wrong number of octets or other characters

        // When
        long parsed = IpAddress.parseIpv4(text);

        // Then
        assertEquals(IpAddress.NOT_IPV4, parsed);
        assertFalse(IpAddress.isValid(text));
    }

    @Test
    void shouldParseSixteenBytesWhenIpv6LiteralUsesCompression() {
        // Given
        String compressed = "2001:db8::1";

        // When
        byte[] parsed = IpAddress.parseIpv6(compressed);
        byte[] unspecified = IpAddress.parseIpv6("::");

        // Then
        assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, parsed);
        assertArrayEquals(new byte[16], unspecified);
        assertArrayEquals(parsed, IpAddress.parseIpv6("2001:0DB8:0:0:0:0:0:0001"));
        assertTrue(IpAddress.isValid(compressed));
        assertTrue(IpAddress.isValid("::1"));
    }

    @Test
    void shouldReturnMappedBytesWhenIpv6LiteralIsIpv4Mapped() {
        // Given
        String mapped = "::ffff:203.0.113.7";

        // When
        byte[] parsed = IpAddress.parseIpv6(mapped);

        // Then
        assertNotNull(parsed);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 203, 0, 113, 7},
            parsed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "dead:beef", "fe80::1%eth0", "[2001:db8::1]", "2001:db8::g",
        "1:2:3:4:5:6:7:8:9", "2001:db8:::1", ":::", "1.2.3.4:80", ".:"})
    void shouldRejectWhenTextIsAHostnameOrNotAnIpv6Literal(String text) {
        // Given a host name or malformed literal: it must be rejected from its text alone, never resolved

        // When
        byte[] parsed = IpAddress.parseIpv6(text);

        // Then
        assertNull(parsed);
        assertFalse(IpAddress.isValid(text));
    }

    @Test
    void shouldFormatNetworkAsCidrWhenIpv4AddressIsMaskedToPrefix() {
        // Given
        long address = IpAddress.parseIpv4("203.0.113.77");

        // When
        String slash24 = IpAddress.ipv4Cidr(IpAddress.ipv4Network(address, 24), 24);
        String slash16 = IpAddress.ipv4Cidr(IpAddress.ipv4Network(address, 16), 16);
        String slash32 = IpAddress.ipv4Cidr(IpAddress.ipv4Network(address, 32), 32);

        // Then
        assertEquals("203.0.113.0/24", slash24);
        assertEquals("203.0.0.0/16", slash16);
        assertEquals("203.0.113.77/32", slash32);
        assertEquals(0L, IpAddress.ipv4Network(address, 0));
    }

    @Test
    void shouldFormatCompressedCidrWhenIpv6NetworkHasTrailingZeroGroups() {
        // Given
        long full = IpAddress.ipv6High(IpAddress.parseIpv6("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        long zeros = IpAddress.ipv6High(IpAddress.parseIpv6("2001:db8::5"));

        // When
        String slash64 = IpAddress.ipv6Cidr(IpAddress.ipv6Network(full, 64), 64);
        String slash48 = IpAddress.ipv6Cidr(IpAddress.ipv6Network(full, 48), 48);
        String trailingZeros = IpAddress.ipv6Cidr(IpAddress.ipv6Network(zeros, 64), 64);

        // Then
        assertEquals("2001:db8:1:2::/64", slash64);
        assertEquals("2001:db8:1::/48", slash48);
        assertEquals("2001:db8::/64", trailingZeros);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:1:2:0:0:0:5, 2001:db8:1:2::5",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "0:0:0:0:0:0:0:1, ::1",
        "fe80:0:0:0:1:0:0:0, fe80::1:0:0:0",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1"})
    void shouldWriteCanonicalTextWhenTheSameAddressIsSpelledDifferently(String spelled, String canonical) {
        // Given
        byte[] address = IpAddress.parseIpv6(spelled);

        // When
        String text = IpAddress.ipv6Text(address);

        // Then
        assertEquals(canonical, text);
        assertArrayEquals(address, IpAddress.parseIpv6(text));
    }

    @Test
    void shouldFindTheIpv4AddressWhenAnIpv6AddressIsIpv4Mapped() {
        // Given
        byte[] mapped = IpAddress.parseIpv6("::ffff:203.0.113.7");

        // When
        long ipv4 = IpAddress.mappedIpv4(mapped);

        // Then
        assertEquals(IpAddress.parseIpv4("203.0.113.7"), ipv4);
        assertEquals(IpAddress.NOT_IPV4, IpAddress.mappedIpv4(IpAddress.parseIpv6("2001:db8::1")));
    }
}

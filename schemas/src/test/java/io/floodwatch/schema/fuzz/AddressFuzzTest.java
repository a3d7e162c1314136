package io.floodwatch.schema.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.schema.target.IpAddress;

/**
 * Coverage-guided fuzzing (Jazzer) of IPv4 and IPv6 address parsing: each input gives a valid result or the parser's own
 * rejection, never another exception. {@code mvn test} replays the corpus kept in
 * {@code src/test/resources/io/floodwatch/schema/fuzz/AddressFuzzTestInputs/}; {@code .ci/fuzz} fuzzes it for a bounded time.
 */
class AddressFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void shouldRoundTripOrRejectWhenAnAddressIsArbitraryText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        long ipv4 = IpAddress.parseIpv4(text);
        if (ipv4 != IpAddress.NOT_IPV4) {
            assertEquals(ipv4, IpAddress.parseIpv4(IpAddress.ipv4Text(ipv4)));
            for (int length = 0; length <= 32; length += 8) {
                long network = IpAddress.ipv4Network(ipv4, length);
                assertEquals(network, IpAddress.ipv4Network(network, length));
            }
        }
        byte[] ipv6 = IpAddress.parseIpv6(text);
        if (ipv6 != null) {
            assertEquals(16, ipv6.length);
            assertArrayEquals(ipv6, IpAddress.parseIpv6(IpAddress.ipv6Text(ipv6)));
        }
    }
}

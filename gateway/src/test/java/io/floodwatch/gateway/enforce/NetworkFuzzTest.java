package io.floodwatch.gateway.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of the address and CIDR parsing of command targets: a text gives a network whose
 * prefix length is in range, or an {@link IllegalArgumentException} with a reason.
 */
class NetworkFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void shouldParseOrRejectWhenACidrTargetIsArbitraryText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Network.address(text);
        try {
            Network network = Network.cidr(text);
            assertNotNull(network);
            assertTrue(network.length() >= 0 && network.length() <= (network.ipv6() ? 128 : 32), text);
            assertEquals(network, network.truncate(network.length()), "host bits are cleared");
        } catch (IllegalArgumentException rejected) {
            assertNotNull(rejected.getMessage());
        }
    }
}

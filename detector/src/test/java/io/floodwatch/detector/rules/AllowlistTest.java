package io.floodwatch.detector.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.floodwatch.schema.MitigationScope;

class AllowlistTest {

    private final Allowlist allowlist = Allowlist.parse(List.of("203.0.113.7", "10.0.0.0/8", "2001:db8::/48",
        "account:ops-bot", "region:cn"));

    @Test
    void shouldCoverSourcesWhenTheyOverlapAnAllowlistedNetwork() {
        // Given / When / Then
        assertTrue(allowlist.covers(MitigationScope.SOURCE_IP, "203.0.113.7"));
        assertTrue(allowlist.covers(MitigationScope.SOURCE_PREFIX, "203.0.113.0/24"), "the prefix holds an allowlisted IP");
        assertTrue(allowlist.covers(MitigationScope.SOURCE_IP, "10.1.2.3"));
        assertTrue(allowlist.covers(MitigationScope.SOURCE_PREFIX, "10.20.30.0/24"));
        assertTrue(allowlist.covers(MitigationScope.SOURCE_PREFIX, "2001:db8:0:1::/64"));
        assertTrue(allowlist.covers(MitigationScope.ACCOUNT, "ops-bot"));
        assertFalse(allowlist.covers(MitigationScope.SOURCE_IP, "203.0.113.8"));
        assertFalse(allowlist.covers(MitigationScope.SOURCE_PREFIX, "198.51.100.0/24"));
        assertFalse(allowlist.covers(MitigationScope.SOURCE_PREFIX, "2001:db9::/64"));
        assertFalse(allowlist.covers(MitigationScope.ENDPOINT, "POST /api/v1/auth/login"));
        assertEquals(Set.of("CN"), allowlist.regions());
    }

    @Test
    void shouldRejectAnEntryWithAClearReasonWhenItIsNotAnAddressAccountOrRegion() {
        // Given / When
        IllegalArgumentException notAnAddress = assertThrows(IllegalArgumentException.class,
            () -> Allowlist.parse(List.of("example.com")));
        IllegalArgumentException badLength = assertThrows(IllegalArgumentException.class,
            () -> Allowlist.parse(List.of("10.0.0.0/33")));
        IllegalArgumentException badRegion = assertThrows(IllegalArgumentException.class,
            () -> Allowlist.parse(List.of("region:China")));

        // Then
        assertTrue(notAnAddress.getMessage().contains("'example.com'"), notAnAddress.getMessage());
        assertTrue(badLength.getMessage().contains("0-32"), badLength.getMessage());
        assertTrue(badRegion.getMessage().contains("two letters"), badRegion.getMessage());
    }
}

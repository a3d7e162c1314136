package io.floodwatch.detector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PrefixHierarchyTest {

    @Test
    void shouldChooseTheSmallestBlockThatExplainsTheWindowWhenWiderOnesAddNothing() {
        // Given a /48 carrying 900 requests, with its /40 and /32 carrying nothing more
        Map<String, Long> wider = Map.of("2001:db8:1::/48", 900L, "2001:db8::/40", 900L, "2001:db8::/32", 905L);

        // When
        PrefixHierarchy.Choice choice = PrefixHierarchy.explain(Map.of(), wider, 100);

        // Then
        assertEquals(List.of(new PrefixHierarchy.Block("2001:db8:1::/48", 900, 900)), choice.blocks());
        assertEquals(900, choice.requests());
    }

    @Test
    void shouldJudgeABlockOnWhatItCarriesBeyondTheChosenPrefixesInsideItWhenTheyAreGiven() {
        // Given two named /24s inside a /16 that carries only a little more than them
        Map<String, Long> named = Map.of("198.18.1.0/24", 400L, "198.18.2.0/24", 300L);

        // When
        PrefixHierarchy.Choice little = PrefixHierarchy.explain(named, Map.of("198.18.0.0/16", 750L), 100);
        PrefixHierarchy.Choice much = PrefixHierarchy.explain(named, Map.of("198.18.0.0/16", 900L), 100);

        // Then 50 beyond them is not enough, 200 is: the /16 then stands for both /24s
        assertTrue(little.blocks().isEmpty(), little.toString());
        assertEquals(Set.of(), little.covered());
        assertEquals(List.of(new PrefixHierarchy.Block("198.18.0.0/16", 900, 200)), much.blocks());
        assertEquals(Set.of("198.18.1.0/24", "198.18.2.0/24"), much.covered());
    }

    @Test
    void shouldKeepFamiliesApartWhenTheirNetworksShareBits() {
        // Given an IPv4 /16 and an IPv6 /32, neither inside the other
        Map<String, Long> named = Map.of("10.1.0.0/24", 500L);

        // When
        PrefixHierarchy.Choice choice = PrefixHierarchy.explain(named, Map.of("a01::/16", 520L, "10.1.0.0/16", 520L), 100);

        // Then the IPv6 block is judged on all it carries, the IPv4 one on 20 beyond the /24
        assertEquals(List.of(new PrefixHierarchy.Block("a01::/16", 520, 520)), choice.blocks());
        assertEquals(Set.of(), choice.covered());
    }

    @Test
    void shouldIgnoreAPrefixWhenItsTextIsNotACidr() {
        // Given
        Map<String, Long> wider = Map.of("not-a-cidr", 900L, "10.0.0.0/99", 900L, "10.0.0.0/x", 900L);

        // When
        PrefixHierarchy.Choice choice = PrefixHierarchy.explain(Map.of(), wider, 1);

        // Then
        assertTrue(choice.blocks().isEmpty());
    }
}

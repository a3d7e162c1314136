package io.floodwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LiftCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "203.0.113.7|ip:203.0.113.7",
        "2001:DB8:0:0::1|ip:2001:db8::1",
        "ip:::ffff:203.0.113.7|ip:203.0.113.7",
        "198.51.100.7/24|prefix:198.51.100.0/24",
        "prefix:2001:db8:1:2:3::/64|prefix:2001:db8:1:2::/64",
        "account:acct-42|account:acct-42",
        "endpoint:POST /api/v1/auth/register|endpoint:POST /api/v1/auth/register"
    })
    void shouldNameTheTargetAsTheDetectorKeysItWhenSpelledAnotherWay(String typed, String key) {
        // Given an operator's spelling of a target

        // When
        String targetKey = LiftCommand.targetKey(typed);

        // Then
        assertEquals(key, targetKey);
    }

    @Test
    void shouldSayWhatToTypeWhenTheTargetIsNeitherAnAddressNorAKey() {
        // Given
        String typed = "not-a-target";

        // When
        CliException e = assertThrows(CliException.class, () -> LiftCommand.targetKey(typed));

        // Then
        assertTrue(e.getMessage().contains("203.0.113.7"), e.getMessage());
    }
}

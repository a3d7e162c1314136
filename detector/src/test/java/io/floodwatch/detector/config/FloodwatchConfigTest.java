package io.floodwatch.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class FloodwatchConfigTest {

    @Test
    void shouldRejectTheConfigurationWhenTheIpBlockRateIsBelowTheThrottleRate() {
        // Given
        Map<String, Object> values = Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 50.0,
            FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 40.0);

        // When
        ConfigException error = assertThrows(ConfigException.class, () -> new FloodwatchConfig(values));

        // Then
        assertTrue(error.getMessage().contains(FloodwatchConfig.IP_BLOCK_RATE_CONFIG), error.getMessage());
    }

    @Test
    void shouldRejectTheConfigurationWhenThePrefixBlockRateIsBelowTheThrottleRate() {
        // Given
        Map<String, Object> values = Map.of(FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG, 100.0);

        // When
        ConfigException error = assertThrows(ConfigException.class, () -> new FloodwatchConfig(values));

        // Then
        assertTrue(error.getMessage().contains(FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG), error.getMessage());
    }

    @Test
    void shouldRejectTheConfigurationWhenAPathPatternIsNotARegularExpression() {
        // Given
        Map<String, Object> values = Map.of(FloodwatchConfig.REGISTRATION_PATTERN_CONFIG, "/(register|signup");

        // When
        ConfigException error = assertThrows(ConfigException.class, () -> new FloodwatchConfig(values));

        // Then
        assertTrue(error.getMessage().contains(FloodwatchConfig.REGISTRATION_PATTERN_CONFIG), error.getMessage());
        assertTrue(error.getMessage().contains("not a valid regular expression"), error.getMessage());
    }

    @Test
    void shouldRejectTheConfigurationWhenAValueIsOutOfRange() {
        // Given a window shorter than the 1 s minimum
        Map<String, Object> values = Map.of(FloodwatchConfig.WINDOW_SIZE_CONFIG, 500L);

        // When
        ConfigException error = assertThrows(ConfigException.class, () -> new FloodwatchConfig(values));

        // Then
        assertTrue(error.getMessage().contains(FloodwatchConfig.WINDOW_SIZE_CONFIG), error.getMessage());
    }

    @Test
    void shouldStripThePrefixWhenKafkaOverridesAreRequested() {
        // Given
        FloodwatchConfig config = new FloodwatchConfig(Map.of("kafka.security.protocol", "SSL",
            "kafka.processing.guarantee", "at_least_once", FloodwatchConfig.WINDOW_SIZE_CONFIG, 5_000L));

        // When
        Map<String, Object> overrides = config.kafkaOverrides();

        // Then
        assertEquals(Map.of("security.protocol", "SSL", "processing.guarantee", "at_least_once"), overrides);
    }

    @Test
    void shouldReplaceOnlyOneValueWhenACopyIsMadeWithANewValue() {
        // Given
        FloodwatchConfig config = new FloodwatchConfig(Map.of(FloodwatchConfig.WINDOW_SIZE_CONFIG, 5_000L));

        // When
        FloodwatchConfig copy = config.with(FloodwatchConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");

        // Then
        assertEquals("broker:9092", copy.getString(FloodwatchConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertFalse(copy.embedded());
        assertEquals(5_000L, copy.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG));
        assertTrue(config.embedded(), "the original is unchanged");
    }

    @Test
    void shouldDefaultTheWatchdogAndRejectAStallTimeBelowHalfASecond() {
        // Given
        FloodwatchConfig defaults = new FloodwatchConfig(Map.of());

        // When
        ConfigException error = assertThrows(ConfigException.class,
            () -> new FloodwatchConfig(Map.of(FloodwatchConfig.WATCHDOG_STALL_CONFIG, 100L)));

        // Then
        assertEquals(60_000L, defaults.getLong(FloodwatchConfig.WATCHDOG_STALL_CONFIG));
        assertEquals(5_000L, defaults.getLong(FloodwatchConfig.WATCHDOG_INTERVAL_CONFIG));
        assertTrue(error.getMessage().contains(FloodwatchConfig.WATCHDOG_STALL_CONFIG), error.getMessage());
    }
}

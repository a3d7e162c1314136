package io.floodwatch.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String IP_BLOCK_ENV = "FLOODWATCH_RULE_SOURCE_IP_BLOCK_PER_SECOND";

    @TempDir
    Path dir;

    @Test
    void shouldUseTheDefaultsWhenNothingIsConfigured() {
        // Given no file, no environment, no overrides

        // When
        FloodwatchConfig config = ConfigLoader.load(null, Map.of(), Map.of());

        // Then
        assertEquals(10_000L, config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG));
        assertEquals(20.0, config.getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG));
        assertEquals(100.0, config.getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG));
        assertEquals(FloodwatchConfig.APPLICATION_ID_DEFAULT, config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG));
        assertTrue(config.embedded());
        assertTrue(config.kafkaOverrides().isEmpty(), config.kafkaOverrides().toString());
    }

    @Test
    void shouldOverrideTheDefaultsWhenThePropertiesFileSetsValues() throws IOException {
        // Given
        Path file = properties("rule.source.ip.block.per.second = 50\nwindow.size.ms=5000  \n# a comment\n");

        // When
        FloodwatchConfig config = ConfigLoader.load(file, Map.of(), Map.of());

        // Then
        assertEquals(50.0, config.getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG));
        assertEquals(5_000L, config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG));
        assertEquals(20.0, config.getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG), "unset keys keep their default");
    }

    @Test
    void shouldPreferTheEnvironmentWhenItAndTheFileSetTheSameKey() throws IOException {
        // Given
        Path file = properties("rule.source.ip.block.per.second=50\n");
        Map<String, String> environment = Map.of(IP_BLOCK_ENV, "70", "PATH", "/usr/bin", "HOME", "/root");

        // When
        FloodwatchConfig config = ConfigLoader.load(file, environment, Map.of());

        // Then
        assertEquals(70.0, config.getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG));
        assertTrue(config.kafkaOverrides().isEmpty(), "unrelated variables are ignored");
    }

    @Test
    void shouldPassKafkaVariablesToTheClientsWithoutPrefixWhenTheyStartWithKafka() {
        // Given
        Map<String, String> environment = Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_MAX_POLL_RECORDS", "100");

        // When
        FloodwatchConfig config = ConfigLoader.load(null, environment, Map.of());

        // Then
        assertEquals(Map.of("security.protocol", "SSL", "max.poll.records", "100"), config.kafkaOverrides());
    }

    @Test
    void shouldPreferExplicitOverridesWhenEverySourceSetsTheSameKey() throws IOException {
        // Given
        Path file = properties("rule.source.ip.block.per.second=50\n");
        Map<String, String> environment = Map.of(IP_BLOCK_ENV, "70");
        Map<String, Object> overrides = Map.of(FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 90.0);

        // When
        FloodwatchConfig config = ConfigLoader.load(file, environment, overrides);

        // Then
        assertEquals(90.0, config.getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG));
    }

    @Test
    void shouldFailNamingTheFileWhenTheFileDoesNotExist() {
        // Given
        Path missing = dir.resolve("missing.properties");

        // When
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of(), Map.of()));

        // Then
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void shouldFailNamingTheKeyWhenANumberIsMalformed() throws IOException {
        // Given
        Path file = properties("window.size.ms=ten seconds\n");

        // When
        ConfigException fromFile = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        ConfigException fromEnvironment = assertThrows(ConfigException.class,
            () -> ConfigLoader.load(null, Map.of(IP_BLOCK_ENV, "lots"), Map.of()));

        // Then
        assertTrue(fromFile.getMessage().contains(FloodwatchConfig.WINDOW_SIZE_CONFIG), fromFile.getMessage());
        assertTrue(fromEnvironment.getMessage().contains(FloodwatchConfig.IP_BLOCK_RATE_CONFIG),
            fromEnvironment.getMessage());
    }

    private Path properties(String content) throws IOException {
        Path file = dir.resolve("floodwatch.properties");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}

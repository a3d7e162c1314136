package io.floodwatch.detector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class StaticMembershipTest {

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheGeneratedIdWhenTheInstanceRestartsOnItsDataDirectory() {
        // Given an instance with no configured id, and another on a data directory of its own
        FloodwatchConfig first = config(dir.resolve("a"), "");
        FloodwatchConfig other = config(dir.resolve("b"), "");

        // When it starts twice, and the other once
        String started = StaticMembership.instanceId(first);
        String restarted = StaticMembership.instanceId(config(dir.resolve("a"), ""));

        // Then the restart has the same id, kept in the data directory, and the other instance a different one
        assertEquals(started, restarted);
        assertTrue(Files.exists(dir.resolve("a").resolve(StaticMembership.FILE)));
        assertNotEquals(started, StaticMembership.instanceId(other));
    }

    @Test
    void shouldGiveTheMainConsumersTheConfiguredIdWhenOneIsSet() {
        // Given an instance configured with an id
        FloodwatchConfig config = config(dir, "detector-0");

        // When its Kafka Streams properties are derived
        Properties props = StreamsSettings.of(config, "localhost:9", new SimpleMeterRegistry());

        // Then its main consumers are static members under that id, and nothing is written to the data directory
        assertEquals("detector-0", props.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
        assertTrue(Files.notExists(dir.resolve(StaticMembership.FILE)));
    }

    @Test
    void shouldRejectTheIdWhenItHoldsCharactersAGroupMemberIdCannot() {
        // Given an id with a space and a slash
        FloodwatchConfig config = config(dir, "detector 0/a");

        // When the id is resolved
        ConfigException error = assertThrows(ConfigException.class, () -> StaticMembership.instanceId(config));

        // Then the error names the setting and what is allowed
        assertTrue(error.getMessage().contains("instance.id") && error.getMessage().contains("letters, digits"), error.getMessage());
    }

    private static FloodwatchConfig config(Path dataDir, String instanceId) {
        return new FloodwatchConfig(Map.of(FloodwatchConfig.DATA_DIR_CONFIG, dataDir.toString(),
            FloodwatchConfig.INSTANCE_ID_CONFIG, instanceId));
    }
}

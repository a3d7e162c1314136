package io.floodwatch.detector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class StreamsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void shouldOutlastTheCommitIntervalWithTheTransactionWhenTheIntervalIsLong() {
        // Given a commit interval longer than exactly-once's default transaction timeout, and the default one
        FloodwatchConfig slow = config(60_000L);
        FloodwatchConfig usual = config(200L);

        // When their Kafka Streams properties are derived
        Properties slowProps = StreamsSettings.of(slow, "localhost:9", new SimpleMeterRegistry());
        Properties usualProps = StreamsSettings.of(usual, "localhost:9", new SimpleMeterRegistry());

        // Then a transaction may last two commit intervals, and never less than Kafka Streams' 10 s
        String timeout = StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        assertEquals(120_000, slowProps.get(timeout));
        assertEquals(10_000, usualProps.get(timeout));
    }

    private FloodwatchConfig config(long commitIntervalMs) {
        return new FloodwatchConfig(Map.of(FloodwatchConfig.DATA_DIR_CONFIG, dir.toString(),
            FloodwatchConfig.COMMIT_INTERVAL_CONFIG, commitIntervalMs));
    }
}

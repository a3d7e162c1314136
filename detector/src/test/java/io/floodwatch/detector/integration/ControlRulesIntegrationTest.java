package io.floodwatch.detector.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.testing.TestBroker;

/**
 * Rules changed through {@code detector-control} on a real broker: a valid change applies while the detector runs, a
 * bad one after it is rejected, and a restarted detector comes back with the same rules.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ControlRulesIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void shouldKeepAcceptedRuleChangesAndIgnoreRejectedOnesWhenTheDetectorRestarts() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            // Given a running detector
            Map<String, Object> settings = broker.detectorSettings(dir.resolve("detector"));
            FloodwatchConfig config = new FloodwatchConfig(settings);
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

            try (DetectorApp detector = DetectorApp.start(config, quiet)) {
                // When an operator puts a rule in DRY_RUN with a new limit, then sends a bad change for it
                try (KafkaProducer<String, String> operator = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                    operator.send(new ProducerRecord<>("detector-control", "source-rate-limit",
                        "{\"mode\": \"DRY_RUN\", \"settings\": {\"rule.source.ip.throttle.per.second\": 50}}")).get();
                    operator.send(new ProducerRecord<>("detector-control", "source-rate-limit",
                        "{\"settings\": {\"rule.source.ip.throttle.per.second\": -1}}")).get();
                }

                // Then the valid change applies, the bad one does not
                await("the change applied").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> detector.rules().current().version() == 1);
                assertRules(detector);
                // (closed once running: a close during the first rebalance may wait out the transaction coordinator)
                await("the detector running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> detector.streams().state() == KafkaStreams.State.RUNNING);
            }

            // And a restarted detector replays the topic to the same rules
            try (DetectorApp restarted = DetectorApp.start(config, quiet)) {
                await("the rules restored").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> restarted.rules().current().version() >= 1);
                assertRules(restarted);
            }
        }
    }

    private static void assertRules(DetectorApp detector) {
        assertEquals(50.0, detector.rules().current().config().getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG));
        assertTrue(detector.rules().current().config().getList(FloodwatchConfig.DRY_RUN_RULES_CONFIG).containsAll(
            Set.of("source-rate-limit")));
        assertEquals(1, detector.rules().current().version(), "the rejected change did not count");
    }
}

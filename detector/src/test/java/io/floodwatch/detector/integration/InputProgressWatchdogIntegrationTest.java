package io.floodwatch.detector.integration;

import static io.floodwatch.testing.Events.T0;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.broker.GroupProgress;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.TestBroker;
import io.floodwatch.producers.RequestPublisher;

/**
 * The input progress watchdog of a running detector against a real broker: a detector whose processing stops
 * ({@code KafkaStreams.pause()}) with records waiting fails readiness and counts one stall, and records deleted
 * before it processed them are counted as lost.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InputProgressWatchdogIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(dir);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldFailReadinessAndCountOneStallWhenTheDetectorStopsMovingWithRecordsWaiting() throws Exception {
        // Given: a detector that has processed five minutes of traffic
        try (DetectorApp detector = start("watchdog-stall")) {
            String base = "http://127.0.0.1:" + detector.httpAddress().getPort();
            publish("watchdog-stall-requests", T0, 200);
            awaitCaughtUp(base);

            // When: its processing stops while four more minutes of traffic arrive
            detector.streams().pause();
            publish("watchdog-stall-requests", T0 + 240_000, 200);
            await("readiness failing on a stall").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> http(base + "/healthz/ready").statusCode() == 503);

            // Then
            JsonNode ready = JSON.readTree(http(base + "/healthz/ready").body());
            assertEquals("RUNNING", ready.path("state").asText(), "Kafka Streams itself sees nothing wrong");
            JsonNode input = ready.path("input");
            assertTrue(input.path("stalled").asBoolean(), input.toString());
            assertEquals(200, input.path("lagRecords").asLong(), input.toString());
            assertTrue(input.path("behindMs").asLong() >= 240_000, "event time behind: " + input);
            assertTrue(input.path("summary").asText().contains("behind (200 records); stalled: watchdog-stall-requests-"), input.toString());
            String metrics = http(base + "/metrics").body();
            assertEquals(1.0, metric(metrics, "floodwatch_input_stalls_total"), 0.0);
            assertTrue(metrics.contains("floodwatch_input_lag_records{partition=\"0\",topic=\"watchdog-stall-requests\"}"), "lag gauges");
            assertTrue(metrics.contains("floodwatch_input_lag_seconds{partition=\"0\",topic=\"watchdog-stall-requests-json\"} 0.0"),
                "an empty input topic is 0 behind");
            assertTrue(metrics.contains("kafka_stream_task_dropped_records_total{"), "Kafka Streams' dropped records, bound once running");
            assertEquals(metric(metrics, "kafka_stream_task_dropped_records_total"), ready.path("late").path("streamsDroppedRecords").asDouble(),
                0.0, "the readiness answer shows the dropped records: " + ready);

            // And when it moves again, it is ready again and the stall was counted once
            detector.streams().resume();
            await("readiness back once the detector moves").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> http(base + "/healthz/ready").statusCode() == 200);
            assertEquals(1.0, metric(http(base + "/metrics").body(), "floodwatch_input_stalls_total"), 0.0);
        }
    }

    @Test
    void shouldCountRecordsDeletedBeforeTheyWereProcessedAsLost() throws Exception {
        // Given: a detector that has processed some traffic, then stops while more arrives
        try (DetectorApp detector = start("watchdog-loss")) {
            String base = "http://127.0.0.1:" + detector.httpAddress().getPort();
            String topic = "watchdog-loss-requests";
            publish(topic, T0, 100);
            awaitCaughtUp(base);
            detector.streams().pause();
            publish(topic, T0 + 60_000, 150);
            await("the watchdog sees the waiting records").atMost(Duration.ofSeconds(30))
                .until(() -> JSON.readTree(http(base + "/healthz/ready").body()).path("input").path("lagRecords").asLong() == 150);

            // When: the waiting records are deleted (as a retention check would) before they are processed
            Map<TopicPartition, Long> end = GroupProgress.endOffsets(admin, topic);
            Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
            end.forEach((tp, offset) -> deletions.put(tp, RecordsToDelete.beforeOffset(offset)));
            admin.deleteRecords(deletions).all().get();

            // Then
            await("the lost records counted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> metric(http(base + "/metrics").body(), "floodwatch_input_records_lost_total") == 150.0);
            assertEquals(end, offsets(topic, OffsetSpec.earliest()), "deleted up to the end");
            detector.streams().resume();
            awaitCaughtUp(base);
            assertEquals(150.0, metric(http(base + "/metrics").body(), "floodwatch_input_records_lost_total"), 0.0, "each range once");
        }
    }

    private static DetectorApp start(String name) throws InterruptedException {
        Map<String, Object> settings = new HashMap<>();
        settings.put(FloodwatchConfig.HTTP_LISTEN_CONFIG, "127.0.0.1:0");
        settings.put(FloodwatchConfig.WATCHDOG_INTERVAL_CONFIG, 200L);
        settings.put(FloodwatchConfig.WATCHDOG_STALL_CONFIG, 2_000L);
        FloodwatchConfig config = FloodwatchConfig.isolated(name, broker.bootstrapServers(), dir, settings);
        return DetectorApp.start(config, new PrintStream(new ByteArrayOutputStream()));
    }

    /** {@code count} events one second apart from {@code start}, from many addresses (so on every partition). */
    private static void publish(String topic, long start, int count) {
        try (RequestPublisher gateway = RequestPublisher.create(broker.bootstrapServers(), topic, Map.of())) {
            for (int i = 0; i < count; i++) {
                gateway.publish(Events.get(start + i * 1_000L, "198.51.100." + (i % 200 + 1), "/api/v1/models"));
            }
        }
    }

    private static void awaitCaughtUp(String base) {
        await("the detector caught up and ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .until(() -> {
                HttpResponse<String> ready = http(base + "/healthz/ready");
                JsonNode input = JSON.readTree(ready.body()).path("input");
                return ready.statusCode() == 200 && input.path("checkedAt").asLong() > 0 && input.path("lagRecords").asLong() == 0;
            });
    }

    private static Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        GroupProgress.endOffsets(admin, topic).keySet().forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** A metric's value in a Prometheus scrape, summed over its series; 0 when absent. */
    private static double metric(String scrape, String name) {
        double total = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static HttpResponse<String> http(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

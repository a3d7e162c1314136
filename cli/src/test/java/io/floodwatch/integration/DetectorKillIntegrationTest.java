package io.floodwatch.integration;

import static io.floodwatch.testing.Events.T0;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.TestBroker;

/**
 * The Kafka upgrade gate: a detector process killed with SIGKILL while thousands of events sit in its open,
 * uncommitted tick (the pre-aggregation that {@code StreamsInternals} hooks into the commit) and then restarted on
 * the same data directory counts every event exactly once in {@code endpoint-rates}.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DetectorKillIntegrationTest {

    private static final String APP = FloodwatchConfig.APPLICATION_ID_DEFAULT;
    private static final String[][] ROUTES = {{"GET", "/api/v1/models"}, {"POST", "/api/v1/chat/completions"},
        {"POST", "/api/v1/auth/login"}};
    private static final int EVENTS = 6_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldCountEveryEventExactlyOnceWhenTheDetectorIsKilledMidTickAndRestarted() throws Exception {
        // Given a detector process with a commit interval far longer than the test's run up to the kill
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            Path data = dir.resolve("detector");
            Process first = startDetector(broker.bootstrapServers(), data, 60_000, dir.resolve("first.txt"));
            awaitStableGroup(broker.bootstrapServers());
            Map<String, Long> published = publish(broker.bootstrapServers());
            String ticks = APP + "-endpoint-ticks-repartition";
            await("ticks of the open transaction").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> count(broker.bootstrapServers(), ticks, "read_uncommitted") > 0);

            // When it is killed with SIGKILL, mid-tick, and started again on its data directory
            first.destroyForcibly();
            assertEquals(137, first.waitFor(), "killed by SIGKILL");
            long uncommitted = count(broker.bootstrapServers(), ticks, "read_uncommitted");
            long committed = count(broker.bootstrapServers(), ticks, "read_committed");
            assertTrue(uncommitted > committed, "the kill left an open transaction: " + uncommitted + " tick records, "
                + committed + " committed");
            long restarted = System.nanoTime();
            Process second = startDetector(broker.bootstrapServers(), data, 200, dir.resolve("second.txt"));
            try {
                Map<String, Long> counted = new TreeMap<>();
                await("endpoint-rates holding every published request").atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        counted.clear();
                        counted.putAll(requestsPerRoute(broker));
                        return counted.values().stream().mapToLong(Long::longValue).sum() >= EVENTS;
                    });
                System.out.printf("detector restart after SIGKILL: every request counted %.1f s after the restart%n",
                    (System.nanoTime() - restarted) / 1e9);

                // Then each route's count is the input's: nothing counted twice, nothing lost
                assertEquals(published, counted);
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
        }
    }

    private static Process startDetector(String bootstrap, Path data, long commitIntervalMs, Path terminal) throws IOException {
        return ChildProcesses.startDetector(bootstrap, data, terminal, FloodwatchConfig.COMMIT_INTERVAL_CONFIG + "=" + commitIntervalMs);
    }

    private static void awaitStableGroup(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await("the detector's group stable").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin.describeConsumerGroups(List.of(APP)).all().get().get(APP).groupState() == GroupState.STABLE);
        }
    }

    /** Publishes the events over 40 s of event time, so the tick is cut by event time inside the open transaction. */
    private static Map<String, Long> publish(String bootstrap) {
        Map<String, Long> published = new TreeMap<>();
        try (RequestPublisher gateway = RequestPublisher.create(bootstrap, "requests", Map.of())) {
            for (int i = 0; i < EVENTS; i++) {
                String[] route = ROUTES[i % ROUTES.length];
                RequestEvent event = Events.event(T0 + i * 40_000L / EVENTS, "10.9." + (i % 200) + "." + (i % 7 + 1),
                    route[0], route[1], 200, "US");
                gateway.publish(event);
                published.merge(route[0] + " " + route[1], 1L, Long::sum);
            }
            gateway.flush();
        }
        return published;
    }

    /** The last committed count of each route's windows, summed per route. */
    private static Map<String, Long> requestsPerRoute(TestBroker broker) {
        Map<String, Long> lastPerWindow = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.readAll("endpoint-rates")) {
            JsonNode rate = read(record.value());
            lastPerWindow.put(rate.path("route").asText() + "\n" + rate.path("windowStart").asLong(), rate.path("requests").asLong());
        }
        Map<String, Long> perRoute = new TreeMap<>();
        lastPerWindow.forEach((window, requests) -> perRoute.merge(window.substring(0, window.indexOf('\n')), requests, Long::sum));
        return perRoute;
    }

    private static JsonNode read(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("endpoint-rates holds a record that is not JSON", e);
        }
    }

    /** The records of the topic a consumer of the given isolation level reads, up to its end for that level. */
    private static long count(String bootstrap, String topic, String isolation) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long records = 0;
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            return records;
        }
    }
}

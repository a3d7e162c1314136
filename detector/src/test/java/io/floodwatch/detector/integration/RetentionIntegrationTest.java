package io.floodwatch.detector.integration;

import static io.floodwatch.testing.Events.T0;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import io.floodwatch.testing.Traffic;
import io.floodwatch.schema.RequestEvent;

/**
 * Recorded traffic whose record timestamps are its event time, older than the topics' retention, replayed at full
 * speed into a broker whose retention check runs every half second: the detector's topics take the broker's append
 * time as record timestamp, so nothing is deleted and everything is processed, while a {@code CreateTime} topic with
 * the same retention and the same records is emptied by the check.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RetentionIntegrationTest {

    private static final long DAY_MS = 86_400_000L;
    private static final String CONTROL = "recorded-create-time";

    @TempDir
    Path dir;

    @Test
    void shouldProcessEveryReplayedEventWhenItsEventTimeIsOlderThanTheRetention() throws Exception {
        // Given: a broker checking retention twice a second, requests-json created by hand with CreateTime, and a
        // CreateTime topic with the detector's retention to show that the check deletes such records
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.retention.check.interval.ms", "500"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<String, String> createTime = Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(DAY_MS));
            admin.createTopics(List.of(new NewTopic("requests-json", 1, (short) 1).configs(createTime),
                new NewTopic(CONTROL, 1, (short) 1).configs(createTime))).all().get();
            Map<String, Object> settings = broker.detectorSettings(dir.resolve("detector"));
            settings.put(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG, 1);
            settings.put(FloodwatchConfig.WINDOW_GRACE_CONFIG, 3_600_000L);
            List<RequestEvent> recorded = Traffic.merge(Traffic.gets(T0, 60, 40, "/api/v1/models"),
                Traffic.logins(T0, 60, 10, "US"));

            try (DetectorApp detector = DetectorApp.start(new FloodwatchConfig(settings), new PrintStream(new ByteArrayOutputStream()))) {
                // When: the recording is replayed with its event time as record timestamp (as kcat and the bench do)
                publish(broker, recorded);
                await("the retention check emptied the CreateTime topic holding the same records").atMost(Duration.ofSeconds(60))
                    .until(() -> offsets(admin, CONTROL, OffsetSpec.earliest()).equals(offsets(admin, CONTROL, OffsetSpec.latest())));
                await("the detector committed the end of requests-json and requests").atMost(Duration.ofSeconds(90))
                    .until(() -> GroupProgress.reached(admin, FloodwatchConfig.APPLICATION_ID_DEFAULT, GroupProgress.endOffsets(admin, "requests-json"))
                        && GroupProgress.reached(admin, FloodwatchConfig.APPLICATION_ID_DEFAULT, GroupProgress.endOffsets(admin, "requests")));

                // Then: nothing deleted, every event counted in the endpoint rates
                assertEquals((long) recorded.size(), offsets(admin, CONTROL, OffsetSpec.earliest()).get(0).longValue(), "the control topic was emptied");
                for (String topic : List.of("requests-json", "requests")) {
                    assertEquals(0L, offsets(admin, topic, OffsetSpec.earliest()).get(0), topic + " keeps its first record");
                    assertEquals("LogAppendTime", admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all().get().values().iterator().next().get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value(), topic);
                }
                await("every event counted in endpoint-rates").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> countedRequests(broker) == recorded.size());
            }
        }
    }

    private static void publish(TestBroker broker, List<RequestEvent> events) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (RequestEvent event : events) {
                byte[] json = Events.json(event);
                producer.send(new ProducerRecord<>("requests-json", null, event.getTimestamp(), null, json));
                producer.send(new ProducerRecord<>(CONTROL, null, event.getTimestamp(), null, json));
            }
        }
    }

    /** Requests in the latest update of every (route, window) published to endpoint-rates. */
    private static long countedRequests(TestBroker broker) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Long> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.readAll("endpoint-rates")) {
            JsonNode rate = json.readTree(record.value());
            latest.put(rate.path("route").asText() + "@" + rate.path("windowStart").asLong(), rate.path("requests").asLong());
        }
        return latest.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<Integer, Long> offsets(Admin admin, String topic, OffsetSpec spec) throws Exception {
        Map<Integer, Long> offsets = new HashMap<>();
        admin.listOffsets(Map.of(new TopicPartition(topic, 0), spec)).all().get()
            .forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
        return offsets;
    }
}

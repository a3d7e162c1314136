package io.floodwatch.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.floodwatch.broker.AccessPolicy;
import io.floodwatch.broker.BrokerCredentials;
import io.floodwatch.broker.EmbeddedKafkaBroker;

/** A real embedded broker for integration tests, with helpers to read topics from the beginning. */
public final class TestBroker implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final BrokerCredentials credentials;

    private TestBroker(EmbeddedKafkaBroker broker, BrokerCredentials credentials) {
        this.broker = broker;
        this.credentials = credentials;
    }

    /** Starts a broker on a free port with its data under {@code dir}. */
    public static TestBroker start(Path dir) {
        return start(dir, Map.of());
    }

    /** Starts a broker on a free port with its data under {@code dir} and these broker settings. */
    public static TestBroker start(Path dir, Map<String, String> brokerSettings) {
        return new TestBroker(EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, brokerSettings), null);
    }

    /**
     * Starts a broker on a free port that authenticates clients with SASL/SCRAM and authorizes them with Floodwatch's
     * ACLs, its credentials under {@code dir/credentials}.
     */
    public static TestBroker startSecure(Path dir) {
        BrokerCredentials credentials = BrokerCredentials.loadOrCreate(dir.resolve("credentials"));
        return new TestBroker(EmbeddedKafkaBroker.startSecure(dir.resolve("kafka"), 0, credentials), credentials);
    }

    /** Client settings authenticating as a principal of a secured broker ({@link #startSecure(Path)}). */
    public Map<String, Object> clientSettings(String principal) {
        if (credentials == null) {
            throw new IllegalStateException("the broker is not secured; start it with startSecure");
        }
        return credentials.clientSettings(principal);
    }

    /**
     * Settings of a detector on this broker: its state under {@code dataDir}, its HTTP surface on a free port. A
     * mutable map, for tests to add to. The keys are the detector's documented setting names (this module does not
     * depend on the detector, whose tests use it).
     */
    public Map<String, Object> detectorSettings(Path dataDir) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrapServers());
        settings.put("data.dir", dataDir.toString());
        settings.put("http.listen", "127.0.0.1:0");
        return settings;
    }

    /** Bootstrap address. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Every committed record of a topic (as the operator on a secured broker), read from the beginning until the end offsets seen at the start. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(bootstrapServers(), topic, credentials == null ? Map.of() : credentials.clientSettings(AccessPolicy.OPERATOR));
    }

    /**
     * Every committed record of a topic on any brokers, read from the beginning until the end offsets seen at the start.
     *
     * @param bootstrapServers the brokers
     * @param topic the topic
     * @param clientSettings further consumer settings (security)
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, Map<String, Object> clientSettings) {
        Map<String, Object> props = new HashMap<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        props.putAll(clientSettings);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!caughtUp(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        broker.close();
    }
}

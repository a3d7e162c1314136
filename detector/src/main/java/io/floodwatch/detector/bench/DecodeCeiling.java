package io.floodwatch.detector.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * The ceiling a detector is measured against: one plain {@link KafkaConsumer} thread that only reads the
 * topic from the beginning and decodes every event.
 */
final class DecodeCeiling {

    /** What one run measured. */
    record Result(long events, double seconds, double cpuSeconds) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private DecodeCeiling() {
    }

    static Result measure(String bootstrapServers, String topic, long expected) {
        Map<String, Object> props = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroSerde<RequestEvent> serde = AvroSerde.of(RequestEvent.class);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            long checksum = 0;
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            while (count < expected) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    checksum += serde.deserialize(topic, record.value()).getStatus();
                    count++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            if (checksum == 0) {
                throw new IllegalStateException("decoded nothing");
            }
            return new Result(count, seconds, cpu);
        }
    }
}

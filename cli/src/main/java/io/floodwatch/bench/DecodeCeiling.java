package io.floodwatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.floodwatch.cli.CliException;
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

    /**
     * Reads and decodes {@code expected} events of a topic from the beginning.
     *
     * @throws CliException if the consumer's positions do not advance for the stall timeout
     */
    static Result measure(String bootstrapServers, String topic, long expected, Duration stallTimeout) {
        Map<String, Object> props = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroSerde<RequestEvent> serde = AvroSerde.of(RequestEvent.class);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            ProgressWatch watch = new ProgressWatch(end, stallTimeout.toMillis(), System.currentTimeMillis());
            long count = 0;
            long checksum = 0;
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            ProgressWatch.Status status = ProgressWatch.Status.ADVANCING;
            while (count < expected && status != ProgressWatch.Status.DONE) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    checksum += serde.deserialize(topic, record.value()).getStatus();
                    count++;
                }
                Map<TopicPartition, Long> positions = new HashMap<>();
                partitions.forEach(p -> positions.put(p, consumer.position(p)));
                status = watch.observe(positions, System.currentTimeMillis());
                if (status == ProgressWatch.Status.STALLED) {
                    throw new CliException("bench: " + watch.stallMessage("the ceiling consumer's positions",
                        consumer.beginningOffsets(partitions)));
                }
            }
            if (count < expected) {
                throw new CliException(String.format(Locale.ROOT, "bench: the ceiling consumer reached the end of %s after %,d of"
                    + " %,d events; the broker deleted records before they were read (retention?)", topic, count, expected));
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

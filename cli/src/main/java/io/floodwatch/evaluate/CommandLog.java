package io.floodwatch.evaluate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;

/** The commands a detector issued: every committed record of a {@code mitigations} topic, oldest first per partition. */
public final class CommandLog {

    private CommandLog() {
    }

    /** Reads every committed command of a topic, up to its end offsets at the time of the call. */
    public static List<MitigationCommand> read(String bootstrap, String topic) {
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
        Map<String, Object> props = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<MitigationCommand> commands = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> commands.add(serde.deserialize(topic, r.value())));
            }
        }
        return commands;
    }
}

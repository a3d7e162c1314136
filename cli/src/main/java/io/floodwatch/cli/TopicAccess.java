package io.floodwatch.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.floodwatch.detector.config.FloodwatchConfig;

/** The operator commands' access to the detector's topics, with errors that say what to do. */
final class TopicAccess {

    private TopicAccess() {
    }

    /** The configured brokers, or the embedded default. */
    static String bootstrap(FloodwatchConfig config) {
        return config.embedded() ? CliDefaults.BOOTSTRAP : config.getString(FloodwatchConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** The partitions of a topic that must exist. */
    static List<TopicPartition> partitions(FloodwatchConfig config, String bootstrap, String topic, int timeoutSeconds)
        throws InterruptedException {
        Map<String, Object> props = new HashMap<>(config.kafkaOverrides());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
        try (Admin admin = Admin.create(props)) {
            TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
                .get(timeoutSeconds, TimeUnit.SECONDS).get(topic);
            return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (TimeoutException e) {
            throw unreachable(bootstrap, timeoutSeconds);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new CliException("topic '" + topic + "' does not exist on " + bootstrap
                    + "; has the detector run against this broker?");
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(bootstrap, timeoutSeconds);
            }
            throw new CliException("cannot read topic '" + topic + "' on " + bootstrap + ": " + e.getCause().getMessage());
        }
    }

    /** A consumer without a group, reading committed records only. */
    static <V> KafkaConsumer<String, V> consumer(FloodwatchConfig config, String bootstrap,
                                                 org.apache.kafka.common.serialization.Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>(config.kafkaOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    /** Every record of a (compacted) topic from its beginning to its current end, in order. */
    static List<ConsumerRecord<String, String>> readAll(FloodwatchConfig config, String bootstrap, String topic, int timeoutSeconds)
        throws InterruptedException {
        List<TopicPartition> partitions = partitions(config, bootstrap, topic, timeoutSeconds);
        try (KafkaConsumer<String, String> consumer = consumer(config, bootstrap, new StringDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(timeoutSeconds));
            List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw unreachable(bootstrap, timeoutSeconds);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
            return records;
        }
    }

    /** The latest value of each key of a compacted topic, in order of their last write. */
    static Map<String, String> latest(List<ConsumerRecord<String, String>> records) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            latest.remove(record.key());
            latest.put(record.key(), record.value());
        }
        return latest;
    }

    /** Writes one record and waits for its acknowledgement. */
    static void send(FloodwatchConfig config, String bootstrap, String topic, String key, String value, int timeoutSeconds)
        throws InterruptedException {
        Map<String, Object> props = new HashMap<>(config.kafkaOverrides());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutSeconds * 1000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutSeconds * 500);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (ExecutionException e) {
            throw new CliException("cannot write to '" + topic + "' on " + bootstrap + ": " + e.getCause().getMessage());
        }
    }

    /** Whether the consumer has read up to the given end offsets. */
    static boolean caughtUp(KafkaConsumer<String, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    static CliException unreachable(String bootstrap, int timeoutSeconds) {
        return new CliException("cannot reach Kafka at " + bootstrap + " within " + timeoutSeconds
            + " s; start the detector with 'floodwatch run' or pass --bootstrap-servers HOST:PORT, and --kafka-config FILE"
            + " if the brokers require authentication");
    }
}

package io.floodwatch.detector.app;

import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.ingest.DeadLetterDeserializationHandler;
import io.floodwatch.detector.ingest.DeadLetterProcessingHandler;
import io.floodwatch.detector.ingest.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;

/** Kafka Streams properties derived from the Floodwatch configuration. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    /**
     * The properties of the detector's {@code KafkaStreams}.
     *
     * @param config configuration
     * @param bootstrapServers brokers to use
     * @param meters registry for the detector's own meters
     */
    public static Properties of(FloodwatchConfig config, String bootstrapServers, MeterRegistry meters) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.dataDir().resolve("streams").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), StaticMembership.instanceId(config));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(FloodwatchConfig.STREAM_THREADS_CONFIG));
        long commitInterval = config.getLong(FloodwatchConfig.COMMIT_INTERVAL_CONFIG);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval);
        // Kafka Streams refuses a transaction shorter than the commit interval (its exactly-once default is 10 s)
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) Math.max(10_000L, 2 * commitInterval));
        // Binary and JSON requests are independent streams whose disorder the windows' grace absorbs: a task never
        // waits for one of its inputs to catch up with the other (waiting stalled a task until the next metadata
        // refresh whenever one input was empty and its lag unknown).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.getShort(FloodwatchConfig.TOPIC_REPLICATION_CONFIG));
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.getString(FloodwatchConfig.TOPIC_REQUESTS_DLQ_CONFIG));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        // The same handler for the global thread that reads detector-control (the default from Kafka 5.0).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        props.put(DeadLetters.METER_REGISTRY_CONFIG, meters);
        props.putAll(config.kafkaOverrides());
        return props;
    }
}

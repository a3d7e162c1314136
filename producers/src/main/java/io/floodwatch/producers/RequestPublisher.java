package io.floodwatch.producers;

import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * Publisher of {@link RequestEvent}s for traffic tools (simulation, replay, benchmarks): the same records as a
 * gateway's {@link RequestEventPublisher} (Avro single-object encoding, keyed by source IP, so all of a source's
 * events land in one partition and the detector can count them without a repartition), but a caller that may
 * wait: {@link #publish} returns the send's future and {@link #flush} waits for every acknowledgement.
 */
public final class RequestPublisher implements AutoCloseable {

    private final Producer<String, RequestEvent> producer;
    private final String topic;

    RequestPublisher(Producer<String, RequestEvent> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * A publisher for the given brokers and topic.
     *
     * @param bootstrapServers brokers
     * @param topic the requests topic
     * @param overrides further producer properties, applied last
     */
    public static RequestPublisher create(String bootstrapServers, String topic, Map<String, Object> overrides) {
        Map<String, Object> props = RequestEventPublisher.producerSettings(bootstrapServers);
        props.putAll(overrides);
        return new RequestPublisher(new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(RequestEvent.class)), topic);
    }

    /** Publishes one event, keyed by its source IP, asynchronously. */
    public Future<RecordMetadata> publish(RequestEvent event) {
        return producer.send(new ProducerRecord<>(topic, null, event.getTimestamp(), event.getSourceIp(), event));
    }

    /** Waits until every published event is acknowledged. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}

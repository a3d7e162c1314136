package io.floodwatch.producers;

import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

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
 * wait: {@link #publish} returns the send's future and {@link #flush} waits for every acknowledgement. A send the
 * broker never acknowledges (a delivery timeout on a starved broker, for one) is not lost silently: {@link #flush} and
 * {@link #close} fail with how many events were lost and why, so that a tool never reports traffic it did not
 * deliver.
 */
public final class RequestPublisher implements AutoCloseable {

    private final Producer<String, RequestEvent> producer;
    private final String topic;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

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
        sent.increment();
        return producer.send(new ProducerRecord<>(topic, null, event.getTimestamp(), event.getSourceIp(), event),
            (metadata, exception) -> {
                if (exception != null) {
                    failed.increment();
                    firstFailure.compareAndSet(null, exception);
                }
            });
    }

    /**
     * Waits until every published event is acknowledged.
     *
     * @throws IllegalStateException if any event published so far was not acknowledged
     */
    public void flush() {
        producer.flush();
        checkDelivered();
    }

    /** Events whose send failed so far. */
    public long failures() {
        return failed.sum();
    }

    /**
     * Waits for the events in flight and closes the producer.
     *
     * @throws IllegalStateException if any event was not acknowledged
     */
    @Override
    public void close() {
        producer.close();
        checkDelivered();
    }

    private void checkDelivered() {
        long lost = failed.sum();
        if (lost > 0) {
            Exception first = firstFailure.get();
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                "%,d of %,d events were not acknowledged by the broker (first: %s: %s)", lost, sent.sum(),
                first.getClass().getSimpleName(), first.getMessage()));
        }
    }
}

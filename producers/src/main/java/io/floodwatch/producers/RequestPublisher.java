package io.floodwatch.producers;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;

import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * Publisher of {@link RequestEvent}s for traffic tools (simulation, replay, benchmarks): the same records as a
 * gateway's {@link RequestEventPublisher} (Avro single-object encoding, keyed by source IP, so all of a source's
 * events land in one partition and the detector can count them without a repartition), but a caller that may
 * wait: {@link #flush} waits for every acknowledgement.
 *
 * <p>A send that fails with an error worth another try (a retriable one whose retries ran out, or an out-of-order
 * sequence after a request timed out on a starved broker) is sent again, up to {@value #MAX_ATTEMPTS} times in all,
 * from the caller's thread (the next {@link #publish}, or {@link #flush}). What is still not acknowledged is not lost
 * silently: {@link #flush} and {@link #close} fail with how many events were lost and why, so that a tool never
 * reports traffic it did not deliver.
 */
public final class RequestPublisher implements AutoCloseable {

    static final int MAX_ATTEMPTS = 5;

    /** One send of a record, and how many were made before it. */
    private record Attempt(ProducerRecord<String, RequestEvent> record, int number) {
    }

    private final Producer<String, RequestEvent> producer;
    private final String topic;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Queue<Attempt> again = new ConcurrentLinkedQueue<>();

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

    /** Publishes one event, keyed by its source IP, asynchronously (after sending again what failed so far). */
    public void publish(RequestEvent event) {
        sendAgain();
        sent.increment();
        send(new Attempt(new ProducerRecord<>(topic, null, event.getTimestamp(), event.getSourceIp(), event), 1));
    }

    /**
     * Waits until every published event is acknowledged, sending again what failed with an error worth another try.
     *
     * @throws IllegalStateException if any event published so far was not acknowledged
     */
    public void flush() {
        flushAndSendAgain();
        checkDelivered();
    }

    /** Events whose send failed for good so far. */
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
        try {
            flushAndSendAgain();
        } finally {
            producer.close();
        }
        checkDelivered();
    }

    /** Waits for every acknowledgement, sending again (and waiting again) while some failed worth another try. */
    private void flushAndSendAgain() {
        producer.flush();
        while (!again.isEmpty()) {
            sendAgain();
            producer.flush();
        }
    }

    private void send(Attempt attempt) {
        producer.send(attempt.record(), (metadata, exception) -> {
            if (exception == null) {
                return;
            }
            if (attempt.number() < MAX_ATTEMPTS && worthAnotherTry(exception)) {
                again.add(new Attempt(attempt.record(), attempt.number() + 1));
            } else {
                failed.increment();
                firstFailure.compareAndSet(null, exception);
            }
        });
    }

    private void sendAgain() {
        for (Attempt attempt = again.poll(); attempt != null; attempt = again.poll()) {
            send(attempt);
        }
    }

    private static boolean worthAnotherTry(Exception exception) {
        return exception instanceof RetriableException || exception instanceof OutOfOrderSequenceException;
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

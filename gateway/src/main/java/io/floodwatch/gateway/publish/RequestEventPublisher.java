package io.floodwatch.gateway.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * Publishes a gateway's request events to the {@code requests} topic without ever blocking or failing the request
 * path: {@link #publish} only offers the event to a bounded in-memory queue; one background thread hands queued
 * events to a Kafka producer (Avro single-object encoding, keyed by source IP, idempotent, lz4, batched). When the
 * brokers are unreachable the producer's own buffer fills, then the queue; past the queue's bound new events are
 * dropped and counted, and publication resumes by itself once the brokers answer. An event the producer cannot take
 * within {@code max.block.ms} (no metadata while the brokers are down, or a full buffer) is offered again, not lost:
 * what {@link #publish} accepted is either published, dropped at the queue's bound, or failed by the broker or the
 * delivery timeout, each counted.
 */
public final class RequestEventPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestEventPublisher.class);
    private static final int DRAIN_BATCH = 1_024;
    private static final long WARNING_INTERVAL_MS = 10_000;

    private final Producer<String, RequestEvent> producer;
    private final String topic;
    private final BlockingQueue<RequestEvent> queue;
    private final Thread sender;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean running = true;
    private volatile long drainDeadline = Long.MAX_VALUE;
    /** Set by {@link #sent} on the sender thread when the producer refused the record being sent; that thread only. */
    private TimeoutException refusedNow;
    private volatile long lastWarning;

    /**
     * A publisher over an existing producer.
     *
     * @param producer the producer (its {@code max.block.ms} bounds how long the background thread waits for brokers)
     * @param topic the requests topic
     * @param capacity events held while the producer cannot take them
     */
    public RequestEventPublisher(Producer<String, RequestEvent> producer, String topic, int capacity) {
        this.producer = producer;
        this.topic = topic;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = new Thread(this::send, "floodwatch-request-publisher");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * A publisher for the given brokers and topic.
     *
     * @param bootstrapServers brokers
     * @param topic the requests topic
     * @param capacity events held while the brokers are unreachable, beyond the producer's own buffer
     * @param overrides further producer properties, applied last
     */
    public static RequestEventPublisher create(String bootstrapServers, String topic, int capacity,
                                               Map<String, Object> overrides) {
        Map<String, Object> props = producerSettings(bootstrapServers);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
        props.putAll(overrides);
        return new RequestEventPublisher(new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(RequestEvent.class)),
            topic, capacity);
    }

    /**
     * Producer settings for request events as the contract wants them: idempotent, acknowledged by all replicas,
     * lz4-compressed, batched for a few milliseconds.
     */
    public static Map<String, Object> producerSettings(String bootstrapServers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        return props;
    }

    /** Queues one event for publication; false (and counted) if the queue is full or the publisher closed. */
    public boolean publish(RequestEvent event) {
        if (running && queue.offer(event)) {
            accepted.increment();
            return true;
        }
        dropped.increment();
        if (dueForWarning()) {
            LOG.warn("Request events dropped: the queue of {} is full (brokers unreachable or too slow); {} dropped so far",
                queue.size() + queue.remainingCapacity(), dropped.sum());
        }
        return false;
    }

    /** Counts: events accepted, dropped because the queue was full, acknowledged by the brokers, failed to send. */
    public Map<String, Long> counts() {
        return Map.of("accepted", accepted.sum(), "dropped", dropped.sum(), "published", published.sum(),
            "failed", failed.sum(), "queued", (long) queue.size());
    }

    private void send() {
        List<RequestEvent> batch = new ArrayList<>(DRAIN_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                RequestEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, DRAIN_BATCH - 1);
                for (RequestEvent event : batch) {
                    sendOne(event);
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void sendOne(RequestEvent event) {
        while (true) {
            TimeoutException refused;
            try {
                refusedNow = null;
                producer.send(new ProducerRecord<>(topic, null, event.getTimestamp(), event.getSourceIp(), event), this::sent);
                refused = refusedNow;
            } catch (TimeoutException e) {
                refused = e;
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (refused == null) {
                return;
            }
            if (!running && System.nanoTime() > drainDeadline) {
                failed(refused);
                return;
            }
            if (dueForWarning()) {
                LOG.warn("Request events held: the producer cannot take them ({}); {} queued, offered again",
                    refused.getMessage(), queue.size());
            }
        }
    }

    /**
     * Completion of one send. Kafka's producer fails a record it could not take within {@code max.block.ms} (no
     * metadata, full buffer) through the callback, on the calling thread, before {@code send} returns: that record was
     * never handed over, so it is noted to be offered again rather than counted as failed.
     */
    private void sent(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            published.increment();
        } else if (exception instanceof TimeoutException timeout && Thread.currentThread() == sender) {
            refusedNow = timeout;
        } else {
            failed(exception);
        }
    }

    private void failed(Exception exception) {
        failed.increment();
        if (dueForWarning()) {
            LOG.warn("Request events not published: {}; {} failed so far", exception.toString(), failed.sum());
        }
    }

    /** At most one warning per interval, so an outage does not flood the gateway's log. */
    private boolean dueForWarning() {
        long now = System.currentTimeMillis();
        if (now - lastWarning < WARNING_INTERVAL_MS) {
            return false;
        }
        lastWarning = now;
        return true;
    }

    /** Stops taking events, sends what is queued (waiting at most {@code timeout}) and closes the producer. */
    public void close(Duration timeout) {
        drainDeadline = System.nanoTime() + timeout.toNanos();
        running = false;
        try {
            sender.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}

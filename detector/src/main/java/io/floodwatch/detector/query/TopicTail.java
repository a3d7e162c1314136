package io.floodwatch.detector.query;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest records of a topic, kept in memory for the query API and the dashboard: reads every partition (no
 * consumer group, so every instance sees the whole topic) from its beginning, then follows it, keeping at most
 * {@code capacity} records, each turned into a view by {@code view} (a record whose view fails is skipped), and
 * counting the records read (offsets cannot count them: transaction markers take offsets too).
 */
public final class TopicTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final int capacity;
    private final Function<ConsumerRecord<byte[], byte[]>, Map<String, Object>> view;
    private final Deque<Map<String, Object>> latest = new ArrayDeque<>();
    private final Thread thread;
    private volatile long total;
    private volatile boolean running = true;

    /**
     * Starts tailing.
     *
     * @param bootstrapServers brokers
     * @param topic the topic
     * @param capacity records kept
     * @param view a record's view
     * @param overrides further consumer properties (security settings), applied last
     */
    public TopicTail(String bootstrapServers, String topic, int capacity, Function<ConsumerRecord<byte[], byte[]>, Map<String, Object>> view,
                     Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "floodwatch-query-" + topic);
        props.putAll(overrides);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.capacity = capacity;
        this.view = view;
        this.thread = new Thread(this::run, "floodwatch-tail-" + topic);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The latest records' views, newest first. */
    public synchronized List<Map<String, Object>> latest(int limit) {
        List<Map<String, Object>> out = new ArrayList<>(Math.min(limit, latest.size()));
        for (Map<String, Object> record : latest) {
            if (out.size() == limit) {
                break;
            }
            out.add(record);
        }
        return out;
    }

    /** Records read from the topic: all of them within its retention, once caught up. */
    public long total() {
        return total;
    }

    private void run() {
        try {
            boolean assigned = false;
            while (running) {
                try {
                    if (!assigned) {
                        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                        List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
                        consumer.assign(partitions);
                        consumer.seekToBeginning(partitions);
                        assigned = !partitions.isEmpty();
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        total++;
                        keep(record);
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warn("Tail of '{}' failed, retrying in a few seconds: {}", topic, e.toString());
                    Thread.sleep(5_000);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.warn("Tail of '{}' woken up unexpectedly", topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
        }
    }

    private void keep(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> value;
        try {
            value = view.apply(record);
        } catch (RuntimeException e) {
            return;
        }
        synchronized (this) {
            latest.addFirst(value);
            if (latest.size() > capacity) {
                latest.removeLast();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}

package io.floodwatch.gateway.enforce;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.sign.CommandKeys;
import io.floodwatch.schema.sign.CommandSignatures;
import io.floodwatch.schema.text.LogText;

/**
 * Keeps an {@link EnforcementTable} in step with the compacted {@code mitigations} topic: at start it reads every
 * partition from the beginning (without a consumer group, so every gateway sees every command), so a new gateway
 * knows every active command; then it follows the topic live. A record that does not decode or a command the table
 * rejects is counted and skipped with one log line; the subscriber keeps going.
 *
 * <p>With command keys configured, only commands whose HMAC signature verifies under one of them reach the table:
 * an unsigned or badly signed record (a tombstone included, since the detector never writes one) is dropped and
 * counted in {@link #unverified()}, so a principal that can write the topic but does not hold a key cannot block
 * or release anybody.
 */
public final class MitigationSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MitigationSubscriber.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long SWEEP_INTERVAL_MS = 1_000;
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final EnforcementTable table;
    private final AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final LongAdder undecodable = new LongAdder();
    private final LongAdder applied = new LongAdder();
    private final LongAdder unverified = new LongAdder();
    private final CommandSignatures signatures;
    private volatile boolean running = true;

    private MitigationSubscriber(KafkaConsumer<String, byte[]> consumer, String topic, EnforcementTable table,
                                 CommandSignatures signatures) {
        this.consumer = consumer;
        this.signatures = signatures;
        this.topic = topic;
        this.table = table;
        this.thread = new Thread(this::run, "floodwatch-mitigation-subscriber");
        this.thread.setDaemon(true);
    }

    /**
     * Starts following the topic.
     *
     * @param bootstrapServers brokers
     * @param topic the mitigations topic
     * @param table the table to keep up to date
     * @param overrides further consumer properties, applied last
     */
    public static MitigationSubscriber start(String bootstrapServers, String topic, EnforcementTable table,
                                             Map<String, Object> overrides) {
        return start(bootstrapServers, topic, table, overrides, CommandKeys.NONE);
    }

    /**
     * Starts following the topic, applying only the commands signed with one of the keys when keys are configured.
     *
     * @param bootstrapServers brokers
     * @param topic the mitigations topic
     * @param table the table to keep up to date
     * @param overrides further consumer properties, applied last
     * @param keys the keys accepted, or {@link CommandKeys#NONE} to accept every command
     */
    public static MitigationSubscriber start(String bootstrapServers, String topic, EnforcementTable table,
                                             Map<String, Object> overrides, CommandKeys keys) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "floodwatch-gateway-mitigations");
        props.putAll(overrides);
        MitigationSubscriber subscriber = new MitigationSubscriber(
            new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()), topic, table,
            new CommandSignatures(keys));
        subscriber.thread.start();
        return subscriber;
    }

    /** Waits until the commands that were on the topic at start are in the table; whether they are. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the commands that were on the topic at start are in the table. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Whether the table is loaded and still followed (the subscriber's thread is alive). */
    public boolean healthy() {
        return caughtUp() && thread.isAlive();
    }

    /** Records that did not decode as a command. */
    public long undecodable() {
        return undecodable.sum();
    }

    /** Records dropped because keys are configured and their signature is missing or does not verify. */
    public long unverified() {
        return unverified.sum();
    }

    /** Records applied to the table, including LIFTs and tombstones. */
    public long applied() {
        return applied.sum();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = assignAll();
            Map<TopicPartition, Long> startEnd = endOffsets(partitions);
            long lastSweep = 0;
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // brokers down, a fenced or lost partition: keep the table as it is and try again
                    LOG.warn("Reading '{}' failed, retrying in a second: {}", topic, e.toString());
                    Thread.sleep(1_000);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0 && reached(startEnd)) {
                    LOG.info("Read the {} commands in force on '{}'; following it live", table.size(), topic);
                    caughtUp.countDown();
                }
                long now = System.currentTimeMillis();
                if (now - lastSweep >= SWEEP_INTERVAL_MS) {
                    table.sweep();
                    lastSweep = now;
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Mitigation subscriber stopped: {}", e.toString());
            throw e;
        } finally {
            consumer.close();
        }
    }

    private List<TopicPartition> assignAll() {
        List<PartitionInfo> infos = null;
        while (running && (infos == null || infos.isEmpty())) {
            try {
                infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
                if (infos.isEmpty()) {
                    LOG.warn("Topic '{}' not found yet; retrying", topic);
                    Thread.sleep(METADATA_TIMEOUT.toMillis());
                }
            } catch (TimeoutException e) {
                LOG.warn("Brokers unreachable, commands of '{}' not loaded yet; retrying: {}", topic, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        if (!running) {
            return List.of();
        }
        List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        while (running) {
            try {
                return consumer.endOffsets(partitions, METADATA_TIMEOUT);
            } catch (TimeoutException e) {
                LOG.warn("Brokers unreachable, end of '{}' unknown; retrying: {}", topic, e.getMessage());
            }
        }
        return Map.of();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null && signatures.enabled()) {
            reject(record, null, CommandSignatures.Verification.UNSIGNED);
            return;
        }
        if (record.value() == null) {
            if (record.key() != null) {
                table.remove(record.key());
            }
            applied.increment();
            return;
        }
        MitigationCommand command;
        try {
            command = serde.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            undecodable.increment();
            LOG.warn("Skipped record {}-{}@{} (key '{}'): not a mitigation command: {}", record.topic(),
                record.partition(), record.offset(), LogText.bounded(record.key()), LogText.bounded(e.getMessage()));
            return;
        }
        if (signatures.enabled()) {
            CommandSignatures.Verification verification = signatures.verify(record.key(), command, record.headers());
            if (verification != CommandSignatures.Verification.VALID) {
                reject(record, command, verification);
                return;
            }
        }
        try {
            table.apply(command);
            applied.increment();
        } catch (EnforcementTable.RejectedCommandException | RuntimeException e) {
            LOG.warn("Skipped command {} ({} {} '{}') at {}-{}@{}: {}", LogText.bounded(command.getCommandId()),
                command.getAction(), command.getScope(), LogText.bounded(command.getTarget()), record.topic(),
                record.partition(), record.offset(), e.getMessage());
        }
    }

    private void reject(ConsumerRecord<String, byte[]> record, MitigationCommand command, CommandSignatures.Verification why) {
        unverified.increment();
        LOG.warn("Dropped {} at {}-{}@{} (key '{}'): signature {}", command == null ? "a tombstone"
                : "command " + LogText.bounded(command.getCommandId()) + " (" + command.getAction() + ")", record.topic(),
            record.partition(), record.offset(), LogText.bounded(record.key()), why);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}

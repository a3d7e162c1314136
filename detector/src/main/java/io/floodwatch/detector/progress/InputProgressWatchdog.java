package io.floodwatch.detector.progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.serde.RequestEventJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Watches, on its own daemon thread and with its own Admin client and consumer (never in Kafka Streams' way), how
 * the detector's consumer group progresses through its input topics. Every {@code watchdog.interval.ms} (wall clock)
 * it reads each input partition's committed offset, log start and end (last stable) offsets and, when a partition has
 * lag, the event time of the last record and of the last record processed (decoded from the payload; unknown when it
 * does not decode). {@link InputProgress} judges it, from the first time Kafka Streams runs (restoring state at
 * start-up is not a stall):
 * <ul>
 *   <li>lag per partition in gauges {@code floodwatch.input.lag.records{topic,partition}} and
 *       {@code floodwatch.input.lag.seconds{topic,partition}} (event time; NaN when unknown);</li>
 *   <li>a stall (lag and no progress for {@code watchdog.stall.ms}) fails readiness ({@link #report()}), is logged
 *       once at WARN naming the stuck partitions and counted in {@code floodwatch.input.stalls};</li>
 *   <li>records deleted before they were processed are logged at WARN and counted in
 *       {@code floodwatch.input.records.lost}, each range once;</li>
 *   <li>once a minute, one INFO line with the lag when behind and the late data counted in the last minute
 *       ({@link LateData}) when there is any.</li>
 * </ul>
 * Every instance reads the whole group's offsets, so all report the same lag; readiness fails only on instances that
 * process a stalled partition (or when no instance does).
 */
public final class InputProgressWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InputProgressWatchdog.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(1_500);
    private static final long SUMMARY_INTERVAL_MS = 60_000;
    private static final int LOOKBACK = 8;

    /**
     * Which input partitions this instance and the whole application process (active tasks).
     *
     * @param local this instance's
     * @param assigned every known instance's, this one's included
     */
    public record Ownership(Set<TopicPartition> local, Set<TopicPartition> assigned) {

        /** Nothing known: every stalled partition fails readiness. */
        public static final Ownership UNKNOWN = new Ownership(Set.of(), Set.of());

        /** The active tasks' partitions of a running Kafka Streams instance and of the instances it knows. */
        public static Ownership of(KafkaStreams streams) {
            try {
                Set<TopicPartition> local = new HashSet<>();
                streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> local.addAll(task.topicPartitions())));
                Set<TopicPartition> assigned = new HashSet<>(local);
                streams.metadataForAllStreamsClients().forEach(client -> assigned.addAll(client.topicPartitions()));
                return new Ownership(local, assigned);
            } catch (RuntimeException e) {
                return UNKNOWN;
            }
        }
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String group;
    private final Map<String, Function<byte[], Long>> eventTimes;
    private final BooleanSupplier started;
    private final Supplier<Ownership> ownership;
    private final Supplier<Map<MetricName, ? extends Metric>> streamsMetrics;
    private boolean judging;
    private final InputProgress progress;
    private final long stallMs;
    private final MeterRegistry registry;
    private final Counter stalls;
    private final Counter lost;
    private final Map<TopicPartition, LagGauges> gauges = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private volatile ProgressReport report = ProgressReport.NONE;
    private boolean failing;
    private long summaryAt;
    private LateData summarized = LateData.NONE;

    /**
     * Starts checking at once, then every {@code intervalMs}.
     *
     * @param bootstrapServers brokers
     * @param clientOverrides further client properties (security settings), applied last
     * @param group the consumer group (the Streams application id)
     * @param eventTimes per input topic, the event time in a record's value (null or an exception when unknown)
     * @param intervalMs wall-clock time between checks
     * @param stallMs how long a partition with lag may go without progress
     * @param started whether the detector has started processing (stalls are judged from then on)
     * @param ownership which partitions this instance processes
     * @param streamsMetrics Kafka Streams' metrics, for its dropped records
     * @param registry where the meters live
     */
    public InputProgressWatchdog(String bootstrapServers, Map<String, Object> clientOverrides, String group,
                                 Map<String, Function<byte[], Long>> eventTimes, long intervalMs, long stallMs,
                                 BooleanSupplier started, Supplier<Ownership> ownership,
                                 Supplier<Map<MetricName, ? extends Metric>> streamsMetrics, MeterRegistry registry) {
        Map<String, Object> adminProps = new HashMap<>();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "floodwatch-watchdog-admin");
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        adminProps.putAll(clientOverrides);
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "floodwatch-watchdog");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, LOOKBACK);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        consumerProps.putAll(clientOverrides);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.admin = Admin.create(adminProps);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.group = group;
        this.eventTimes = Map.copyOf(eventTimes);
        this.started = started;
        this.ownership = ownership;
        this.streamsMetrics = streamsMetrics;
        this.progress = new InputProgress(stallMs);
        this.stallMs = stallMs;
        this.registry = registry;
        this.stalls = Counter.builder("floodwatch.input.stalls")
            .description("Stalls of the detector: input lag without progress for watchdog.stall.ms").register(registry);
        this.lost = Counter.builder("floodwatch.input.records.lost")
            .description("Input records deleted from their topic before the detector processed them").register(registry);
        this.summaryAt = System.currentTimeMillis();
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "floodwatch-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::checkSafely, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The detector's watchdog: its input topics ({@code requests} decoded as Avro, {@code requests-json} as JSON), its
     * group (the application id), its settings, and the ownership of partitions from its running Kafka Streams.
     */
    public static InputProgressWatchdog start(FloodwatchConfig config, Topics topics, String bootstrapServers, KafkaStreams streams,
                                              MeterRegistry registry) {
        AvroSerde<RequestEvent> avro = AvroSerde.of(RequestEvent.class);
        String requests = topics.requests().name();
        Map<String, Function<byte[], Long>> eventTimes = Map.of(
            requests, value -> avro.deserialize(requests, value).getTimestamp(),
            topics.requestsJson().name(), value -> RequestEventJson.parse(value).getTimestamp());
        return new InputProgressWatchdog(bootstrapServers, config.kafkaOverrides(), config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG),
            eventTimes, config.getLong(FloodwatchConfig.WATCHDOG_INTERVAL_CONFIG), config.getLong(FloodwatchConfig.WATCHDOG_STALL_CONFIG),
            () -> streams.state() == KafkaStreams.State.RUNNING, () -> Ownership.of(streams), streams::metrics, registry);
    }

    /** The latest check. */
    public ProgressReport report() {
        return report;
    }

    private void checkSafely() {
        try {
            check();
            if (failing) {
                LOG.info("Input progress checks work again");
                failing = false;
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            if (!failing) {
                LOG.warn("Input progress check failed, retrying every interval: {}",
                    e instanceof ExecutionException ? e.getCause().toString() : e.toString());
                failing = true;
            }
        } catch (RuntimeException e) {
            LOG.error("Input progress check failed", e);
        }
    }

    private void check() throws ExecutionException, TimeoutException, InterruptedException {
        long timeout = ADMIN_TIMEOUT.toMillis();
        List<String> topics = List.copyOf(eventTimes.keySet());
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : described.values()) {
            topic.partitions().forEach(p -> {
                earliest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest());
            });
        }
        ListOffsetsOptions stable = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> starts = admin.listOffsets(earliest, stable).all().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest, stable).all().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
            .get(timeout, TimeUnit.MILLISECONDS);
        List<PartitionOffsets> offsets = new ArrayList<>();
        for (TopicPartition tp : latest.keySet().stream().sorted((a, b) -> a.topic().equals(b.topic())
            ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic())).toList()) {
            OffsetAndMetadata offset = committed.get(tp);
            PartitionOffsets observed = new PartitionOffsets(tp, offset == null ? null : offset.offset(), starts.get(tp).offset(),
                ends.get(tp).offset(), null, null);
            if (observed.lagRecords() > 0) {
                observed = withEventTimes(observed);
            }
            offsets.add(observed);
        }
        long now = System.currentTimeMillis();
        judging = judging || started.getAsBoolean();
        InputProgress.Check check = progress.observe(now, offsets, judging);
        Ownership owners = ownership.get();
        LateData late = LateData.read(registry, streamsMetrics.get());
        report = new ProgressReport(now, check.partitions(), InputProgress.blocksReadiness(check.partitions(), owners.local(),
            owners.assigned()), late);
        publish(check, now, late);
    }

    private PartitionOffsets withEventTimes(PartitionOffsets observed) {
        TopicPartition tp = observed.partition();
        long position = observed.position();
        Long end = read(tp, Math.max(position, observed.end() - LOOKBACK), observed.end(), true);
        Long processed = position > observed.logStart()
            ? read(tp, Math.max(observed.logStart(), position - LOOKBACK), position, true)
            : read(tp, position, observed.end(), false);
        return new PartitionOffsets(tp, observed.committed(), observed.logStart(), observed.end(), end, processed);
    }

    /** The event time of the last (or first) decodable record in {@code [from, until)}, null if none is read in time. */
    private Long read(TopicPartition tp, long from, long until, boolean last) {
        Function<byte[], Long> eventTime = eventTimes.get(tp.topic());
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        Long found = null;
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline && consumer.position(tp) < until) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.offset() >= until) {
                        return found;
                    }
                    Long time = decode(eventTime, record.value());
                    if (time != null) {
                        found = time;
                        if (!last) {
                            return found;
                        }
                    }
                }
            }
        } catch (KafkaException e) {
            if (e instanceof InterruptException) {
                throw e;
            }
            LOG.debug("Cannot read {} at {}: {}", tp, from, e.toString());
        } finally {
            consumer.unsubscribe();
        }
        return found;
    }

    private static Long decode(Function<byte[], Long> eventTime, byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return eventTime.apply(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void publish(InputProgress.Check check, long now, LateData late) {
        for (PartitionLag lag : check.partitions()) {
            gauges.computeIfAbsent(new TopicPartition(lag.topic(), lag.partition()), this::register).lag = lag;
        }
        if (check.stallStarted()) {
            stalls.increment();
            LOG.warn("Detector stalled: no input progress for {} on {}; /healthz/ready fails while this instance's "
                + "partitions do not move", ProgressReport.duration(stallMs), describe(check.newlyStalled()));
        } else if (!check.newlyStalled().isEmpty()) {
            LOG.warn("Detector still stalled, now also on {}", describe(check.newlyStalled()));
        }
        if (check.stallEnded()) {
            LOG.info("Input moving again: {}", report.summary());
        }
        for (InputProgress.Loss loss : check.losses()) {
            lost.increment(loss.count());
            LOG.warn("Lost {} records of {} (offsets {} to {}): deleted from the topic before the detector processed them "
                + "(retention or deleteRecords)", loss.count(), loss.partition(), loss.from(), loss.to() - 1);
        }
        if (now - summaryAt >= SUMMARY_INTERVAL_MS) {
            LateData lastMinute = late.since(summarized);
            List<String> parts = new ArrayList<>();
            if (report.lagRecords() > 0) {
                parts.add("input " + report.summary());
            }
            if (lastMinute.any()) {
                parts.add("late data in the last minute: " + lastMinute.describe());
            }
            if (!parts.isEmpty()) {
                LOG.info("Progress: {}", String.join("; ", parts));
            }
            summaryAt = now;
            summarized = late;
        }
    }

    private static String describe(List<PartitionLag> partitions) {
        return partitions.stream().map(lag -> lag.name() + " (" + String.format("%,d", lag.lagRecords()) + " records"
                + (lag.behindMs() == null ? "" : ", " + ProgressReport.duration(lag.behindMs()) + " behind") + ")")
            .collect(Collectors.joining(", "));
    }

    private LagGauges register(TopicPartition tp) {
        LagGauges holder = new LagGauges();
        String partition = String.valueOf(tp.partition());
        Gauge.builder("floodwatch.input.lag.records", holder, h -> h.lag == null ? Double.NaN : h.lag.lagRecords())
            .description("Input records the detector has not processed yet").tag("topic", tp.topic()).tag("partition", partition)
            .register(registry);
        Gauge.builder("floodwatch.input.lag.seconds", holder,
                h -> h.lag == null || h.lag.behindMs() == null ? Double.NaN : h.lag.behindMs() / 1000.0)
            .description("Event time between the last input record processed and the last one in the partition, in seconds")
            .tag("topic", tp.topic()).tag("partition", partition).register(registry);
        return holder;
    }

    private static final class LagGauges {
        private volatile PartitionLag lag;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Input progress watchdog did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        admin.close(Duration.ofSeconds(2));
    }
}

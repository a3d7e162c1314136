package io.floodwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

import io.floodwatch.detector.app.StreamsSettings;
import io.floodwatch.broker.GroupProgress;
import io.floodwatch.cli.CliException;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.mitigate.MitigationPlanner;
import io.floodwatch.detector.progress.ConsumerInputLag;
import io.floodwatch.detector.topology.FloodwatchTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Runs the production topology over a pre-loaded topic, from the beginning, and measures how fast it consumes
 * it (committed offsets reaching the end offsets), the process CPU it used, and the heap and state it keeps.
 * Fails, rather than waits forever, when the detector stops or its committed offsets stand still.
 */
final class DetectorThroughput {

    /** What one run measured. */
    record Result(long events, double seconds, double cpuSeconds, long heapBytes, long stateBytes) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private DetectorThroughput() {
    }

    /**
     * Runs the detector until its committed offsets reach the end of the requests topic as it is now.
     *
     * @param expected events in the topic
     * @param stallTimeout how long committed offsets may stand still before the run fails
     * @param settle after the end is reached, keep the detector running until the planner's watermark has reached
     *               {@code eventTimeEnd} and the {@code mitigations} topic has not grown for this long (downstream
     *               stages finish the commands); zero to stop at once
     * @param eventTimeEnd the input's last event time
     * @throws CliException if the detector stops or makes no progress for the stall timeout
     */
    static Result measure(FloodwatchConfig config, String bootstrapServers, long expected, Duration stallTimeout,
                          Duration settle, long eventTimeEnd) throws Exception {
        Topics topics = Topics.from(config);
        String appId = config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        DetectorMeters meters = DetectorMeters.inMemory();
        long heapBefore = settledHeap(memory);
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ConsumerInputLag lag = new ConsumerInputLag();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
             KafkaStreams streams = new KafkaStreams(new FloodwatchTopology(config, topics, meters,
                 config.getInt(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG), config.getInt(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG), lag).build(),
                 StreamsSettings.of(config, bootstrapServers, new SimpleMeterRegistry()))) {
            lag.attach(streams);
            Map<TopicPartition, Long> end = GroupProgress.endOffsets(admin, topics.requests().name());
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                requireAlive(streams);
                TimeUnit.MILLISECONDS.sleep(20);
            }
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            ProgressWatch watch = new ProgressWatch(end, stallTimeout.toMillis(), System.currentTimeMillis());
            ProgressWatch.Status status;
            while ((status = watch.observe(committed(admin, appId, end), System.currentTimeMillis())) != ProgressWatch.Status.DONE) {
                if (status == ProgressWatch.Status.STALLED) {
                    throw new CliException("bench: " + watch.stallMessage("the detector's committed offsets",
                        logStartOffsets(admin, end)));
                }
                requireAlive(streams);
                TimeUnit.MILLISECONDS.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
            if (!settle.isZero() && !meters.awaitWatermark(MitigationPlanner.STAGE, eventTimeEnd, stallTimeout)) {
                throw new CliException("bench: the detector's watermark did not reach the end of the backlog within "
                    + stallTimeout.toSeconds() + " s");
            }
            awaitQuiet(admin, topics.mitigations().name(), settle, stallTimeout);
            long heap = settledHeap(memory) - heapBefore;
            long state = directorySize(config.dataDir().resolve("streams").resolve(appId));
            streams.close(Duration.ofSeconds(30));
            return new Result(expected, seconds, cpu, heap, state);
        }
    }

    private static void requireAlive(KafkaStreams streams) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
            || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
            throw new CliException("bench: the detector stopped (" + state + "); see the log above");
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group, Map<TopicPartition, Long> end)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, offset) -> {
            if (offset != null && end.containsKey(tp)) {
                offsets.put(tp, offset.offset());
            }
        });
        return offsets;
    }

    private static Map<TopicPartition, Long> logStartOffsets(Admin admin, Map<TopicPartition, Long> end)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        end.keySet().forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
        Map<TopicPartition, Long> start = new HashMap<>();
        admin.listOffsets(earliest).all().get().forEach((tp, info) -> start.put(tp, info.offset()));
        return start;
    }

    /** Waits until a topic's end offsets have not changed for {@code quiet}, at most {@code limit}. */
    private static void awaitQuiet(Admin admin, String topic, Duration quiet, Duration limit) throws Exception {
        if (quiet.isZero()) {
            return;
        }
        long deadline = System.currentTimeMillis() + limit.toMillis();
        Map<TopicPartition, Long> last = Map.of();
        long stableSince = System.currentTimeMillis();
        while (System.currentTimeMillis() - stableSince < quiet.toMillis() && System.currentTimeMillis() < deadline) {
            Map<TopicPartition, Long> now = GroupProgress.endOffsets(admin, topic);
            if (!now.equals(last)) {
                last = now;
                stableSince = System.currentTimeMillis();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long directorySize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}

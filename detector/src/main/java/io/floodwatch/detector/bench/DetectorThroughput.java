package io.floodwatch.detector.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

import io.floodwatch.detector.app.StreamsSettings;
import io.floodwatch.detector.broker.GroupProgress;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.topology.FloodwatchTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Runs the production topology over a pre-loaded topic, from the beginning, and measures how fast it consumes
 * it (committed offsets reaching the end offsets), the process CPU it used, and the heap and state it keeps.
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

    static Result measure(FloodwatchConfig config, String bootstrapServers, long expected) throws Exception {
        Topics topics = Topics.from(config);
        String appId = config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = settledHeap(memory);
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
             KafkaStreams streams = new KafkaStreams(new FloodwatchTopology(config, topics, DetectorMeters.inMemory()).build(),
                 StreamsSettings.of(config, bootstrapServers, new SimpleMeterRegistry()))) {
            Map<TopicPartition, Long> end = GroupProgress.endOffsets(admin, topics.requests().name());
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("the detector stopped: " + streams.state());
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            while (!GroupProgress.reached(admin, appId, end)) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
            long heap = settledHeap(memory) - heapBefore;
            long state = directorySize(config.dataDir().resolve("streams").resolve(appId));
            streams.close(Duration.ofSeconds(30));
            return new Result(expected, seconds, cpu, heap, state);
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

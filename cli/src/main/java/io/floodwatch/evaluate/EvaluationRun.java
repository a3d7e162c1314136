package io.floodwatch.evaluate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

import io.floodwatch.detector.app.StreamsSettings;
import io.floodwatch.broker.GroupProgress;
import io.floodwatch.detector.app.TopicProvisioner;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.mitigate.MitigationPlanner;
import io.floodwatch.detector.progress.ConsumerInputLag;
import io.floodwatch.detector.topology.FloodwatchTopology;
import io.floodwatch.producers.Pacer;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.producers.sim.LabelledEvent;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.PlainJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One evaluation: the production topology on its own topics of a real broker, fed the traffic at the pacer's speed,
 * then the commands it issued scored against the ground truth.
 */
final class EvaluationRun {

    private static final long SETTLE_MS = 3_000;
    private static final long TIMEOUT_MS = 600_000;

    private EvaluationRun() {
    }

    /**
     * Runs and scores one traffic source.
     *
     * @param commandsFile where the commands the detector issued are written, one JSON object per line
     */
    static Scores.Scenario run(String name, TrafficSource traffic, Pacer pacer, String bootstrap, Path workDir,
                               Map<String, String> settings, Path commandsFile) throws Exception {
        String prefix = "eval-" + name + "-" + System.currentTimeMillis();
        FloodwatchConfig config = FloodwatchConfig.isolated(prefix, bootstrap, workDir, settings);
        Topics topics = Topics.from(config);
        Map<String, Long> firstPublished = new HashMap<>();
        DetectorMeters meters = DetectorMeters.inMemory();
        int partitions = config.getInt(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicProvisioner.create(admin, TopicProvisioner.definitions(config, topics), 30_000);
            ConsumerInputLag lag = new ConsumerInputLag();
            try (KafkaStreams streams = new KafkaStreams(new FloodwatchTopology(config, topics, meters, partitions, partitions, lag).build(),
                StreamsSettings.of(config, bootstrap, new SimpleMeterRegistry()))) {
                lag.attach(streams);
                streams.start();
                long lastEventTime = publish(traffic, pacer, bootstrap, topics.requests().name(), firstPublished);
                awaitQuiet(admin, prefix, topics, meters, lastEventTime);
                streams.close(Duration.ofSeconds(30));
            }
        }
        List<MitigationCommand> commands = CommandLog.read(bootstrap, topics.mitigations().name());
        Files.write(commandsFile, commands.stream().map(PlainJson::toJson).toList(), StandardCharsets.UTF_8);
        return Scorer.score(name, traffic, commands, config, firstPublished);
    }

    /** Publishes the traffic; returns the last event time. */
    private static long publish(TrafficSource traffic, Pacer pacer, String bootstrap, String topic,
                                Map<String, Long> firstPublished) throws InterruptedException {
        long lastEventTime = Long.MIN_VALUE;
        try (RequestPublisher publisher = RequestPublisher.create(bootstrap, topic, Map.of())) {
            Iterator<LabelledEvent> events = traffic.open();
            while (events.hasNext()) {
                LabelledEvent labelled = events.next();
                pacer.await(labelled.event().getTimestamp());
                publisher.publish(labelled.event());
                lastEventTime = Math.max(lastEventTime, labelled.event().getTimestamp());
                if (labelled.attack()) {
                    firstPublished.putIfAbsent(labelled.actor(), System.currentTimeMillis());
                }
            }
        }
        return lastEventTime;
    }

    /**
     * Waits until the input is consumed, the planner's watermark has reached the last event time (so the windows a
     * backlog left ahead of the watermark are judged), and the commands topic has stopped growing.
     */
    private static void awaitQuiet(Admin admin, String group, Topics topics, DetectorMeters meters, long lastEventTime)
        throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        Map<TopicPartition, Long> inputEnd = GroupProgress.endOffsets(admin, topics.requests().name());
        while (!GroupProgress.reached(admin, group, inputEnd)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the detector did not consume the traffic within " + TIMEOUT_MS / 1000 + " s");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        if (!meters.awaitWatermark(MitigationPlanner.STAGE, lastEventTime, Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis())))) {
            throw new IllegalStateException("the detector's watermark did not reach the end of the traffic within " + TIMEOUT_MS / 1000 + " s");
        }
        long last = -1;
        long stableSince = System.currentTimeMillis();
        while (System.currentTimeMillis() - stableSince < SETTLE_MS && System.currentTimeMillis() < deadline) {
            long total = GroupProgress.endOffsets(admin, topics.mitigations().name()).values().stream().mapToLong(Long::longValue).sum();
            if (total != last) {
                last = total;
                stableSince = System.currentTimeMillis();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }
}

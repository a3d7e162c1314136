package io.floodwatch.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.TestBroker;

/**
 * Scaling out the Kafka way: two detector processes of one application decide exactly what one decides on the same
 * traffic, and a rolling restart of one of two instances (standby replicas on) pauses only its own partitions, for
 * about its restart time, without a LIFT or a duplicate.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ScaleOutIntegrationTest {

    private static final List<String> ATTACKERS = List.of("203.0.113.10", "198.51.100.20", "192.0.2.30", "203.0.114.40",
        "198.51.101.50", "192.0.3.60");
    private static final int PARTITIONS = 6;
    /** The consumer's {@code session.timeout.ms} default: a static member away longer loses its tasks to the standby. */
    private static final double SESSION_TIMEOUT_SECONDS = 45;
    private static final AvroSerde<MitigationCommand> COMMANDS = AvroSerde.of(MitigationCommand.class);

    @TempDir
    Path dir;

    @Test
    void shouldIssueTheSameCommandsWhenTwoInstancesShareTheWorkOfOne() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            // Given the same backlog on the input of a one-instance application and of a two-instance one
            long start = System.currentTimeMillis() - 120_000;
            createInput(broker.bootstrapServers(), "single-requests");
            createInput(broker.bootstrapServers(), "pair-requests");
            publishBacklog(broker.bootstrapServers(), "single-requests", start);
            publishBacklog(broker.bootstrapServers(), "pair-requests", start);

            // When one instance drains one, and two instances of another application drain the other
            Process single = ChildProcesses.startDetector(broker.bootstrapServers(), dir.resolve("single"), dir.resolve("single.txt"),
                settings("single"));
            Process first = ChildProcesses.startDetector(broker.bootstrapServers(), dir.resolve("pair-1"), dir.resolve("pair-1.txt"),
                settings("pair"));
            Process second = ChildProcesses.startDetector(broker.bootstrapServers(), dir.resolve("pair-2"), dir.resolve("pair-2.txt"),
                settings("pair"));
            try {
                await("both applications drained their input").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lag(broker.bootstrapServers(), "single", "single-requests") == 0
                        && lag(broker.bootstrapServers(), "pair", "pair-requests") == 0);
                TreeSet<String> one = new TreeSet<>();
                TreeSet<String> two = new TreeSet<>();
                try {
                    await("the same commands from both").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> {
                            one.clear();
                            one.addAll(decisions(commands(broker, "single-mitigations")));
                            two.clear();
                            two.addAll(decisions(commands(broker, "pair-mitigations")));
                            return !one.isEmpty() && one.equals(two);
                        });
                } catch (ConditionTimeoutException e) {
                    TreeSet<String> onlyOne = new TreeSet<>(one);
                    onlyOne.removeAll(two);
                    TreeSet<String> onlyTwo = new TreeSet<>(two);
                    onlyTwo.removeAll(one);
                    assertEquals(onlyOne, onlyTwo, "commands of one instance only (expected) and of two only (actual)");
                }
                long skew = detectionSkew(commands(broker, "single-mitigations"), commands(broker, "pair-mitigations"));
                System.out.printf("scale-out: one instance and two instances issued the same %d commands on the same backlog;"
                    + " detectedAt differs by up to %d ms (ticks are cut at commits)%n", one.size(), skew);

                // Then the decisions are the same, on the attackers only
                assertEquals(one, two);
                assertTrue(one.stream().allMatch(d -> ATTACKERS.stream().anyMatch(d::contains)), "commands on the attackers: " + one);
            } finally {
                ChildProcesses.stop(single);
                ChildProcesses.stop(first);
                ChildProcesses.stop(second);
            }
        }
    }

    @Test
    void shouldPauseOnlyTheRestartedInstancesPartitionsWhenOneOfTwoRestartsWithStandbys() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             RequestPublisher gateway = RequestPublisher.create(createInput(broker.bootstrapServers(), "live-requests"),
                 "live-requests", Map.of())) {
            // Given two instances with a standby replica of every task, and live traffic
            String[] settings = withStandby(settings("live"));
            Process first = ChildProcesses.startDetector(broker.bootstrapServers(), dir.resolve("live-1"), dir.resolve("live-1.txt"), settings);
            Process second = ChildProcesses.startDetector(broker.bootstrapServers(), dir.resolve("live-2"), dir.resolve("live-2.txt"), settings);
            ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);
            try {
                AtomicLong tick = new AtomicLong();
                traffic.scheduleAtFixedRate(() -> {
                    long now = System.currentTimeMillis();
                    for (String attacker : ATTACKERS) {
                        for (int i = 0; i < 15; i++) {
                            gateway.publish(Events.get(now + i * 6L, attacker, "/api/v1/chat/completions"));
                        }
                    }
                    long n = tick.getAndIncrement();
                    for (int b = 0; b < 6; b++) {
                        gateway.publish(Events.get(now, "10.30." + b + "." + (n % 50 + 1), "/api/v1/models"));
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                await("every attacker mitigated").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ATTACKERS.stream().allMatch(a -> decisions(broker, "live-mitigations").stream().anyMatch(d -> d.contains(a))));
                Progress progress = new Progress(broker.bootstrapServers());
                traffic.scheduleAtFixedRate(progress::sample, 0, 200, TimeUnit.MILLISECONDS);
                Thread.sleep(5_000);

                // When the first instance is stopped and started again on its data directory
                long stopped = System.nanoTime();
                ChildProcesses.stop(first);
                first = ChildProcesses.startDetector(broker.bootstrapServers(), dir.resolve("live-1"), dir.resolve("live-1.txt"), settings);
                double restartSeconds = (System.nanoTime() - stopped) / 1e9;
                Thread.sleep(15_000);
                traffic.shutdownNow();
                traffic.awaitTermination(10, TimeUnit.SECONDS);

                // Then only some partitions paused, for about the restart, and no command was lifted or duplicated
                Map<Integer, Double> gaps = progress.longestPauses();
                System.out.printf("rolling restart of one of two instances (standby replicas 1): restart took %.1f s; longest pause"
                    + " of each input partition (s): %s%n", restartSeconds, gaps);
                List<MitigationCommand> commands = commands(broker, "live-mitigations");
                assertFalse(commands.stream().anyMatch(c -> c.getAction() == MitigationAction.LIFT), "no LIFT during the restart");
                assertEquals(commands.size(), commands.stream().map(c -> c.getCommandId().toString()).distinct().count(),
                    "no command id published twice");
                assertTrue(gaps.values().stream().anyMatch(g -> g < 3.0), "the other instance's partitions went on: " + gaps);
                assertTrue(gaps.values().stream().allMatch(g -> g < SESSION_TIMEOUT_SECONDS),
                    "no pause beyond the session timeout, after which the standby would take over: " + gaps);
            } finally {
                traffic.shutdownNow();
                ChildProcesses.stop(first);
                ChildProcesses.stop(second);
            }
        }
    }

    /** Commits of the live application's group per input partition, sampled: the longest time each stood still while input came. */
    private static final class Progress {
        private final String bootstrap;
        private final Map<Integer, Long> lastOffset = new HashMap<>();
        private final Map<Integer, Long> since = new HashMap<>();
        private final Map<Integer, Long> longest = new HashMap<>();

        Progress(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        synchronized void sample() {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("live")
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                long now = System.nanoTime();
                for (var entry : committed.entrySet()) {
                    if (!entry.getKey().topic().equals("live-requests") || entry.getValue() == null) {
                        continue;
                    }
                    int partition = entry.getKey().partition();
                    long offset = entry.getValue().offset();
                    Long previous = lastOffset.put(partition, offset);
                    if (previous == null || offset > previous) {
                        since.put(partition, now);
                    }
                    longest.merge(partition, now - since.get(partition), Math::max);
                }
            } catch (Exception e) {
                // a sample missed while the broker is busy: the next one counts
            }
        }

        synchronized Map<Integer, Double> longestPauses() {
            Map<Integer, Double> seconds = new java.util.TreeMap<>();
            longest.forEach((partition, nanos) -> seconds.put(partition, Math.round(nanos / 1e8) / 10.0));
            return seconds;
        }
    }

    private static String[] settings(String app) {
        List<String> settings = new ArrayList<>(List.of(
            FloodwatchConfig.APPLICATION_ID_CONFIG + "=" + app,
            FloodwatchConfig.TOPIC_PARTITIONS_CONFIG + "=" + PARTITIONS,
            FloodwatchConfig.STREAM_THREADS_CONFIG + "=1"));
        for (String[] topic : new String[][] {{FloodwatchConfig.TOPIC_REQUESTS_CONFIG, "requests"},
            {FloodwatchConfig.TOPIC_REQUESTS_JSON_CONFIG, "requests-json"}, {FloodwatchConfig.TOPIC_REQUESTS_DLQ_CONFIG, "requests-dlq"},
            {FloodwatchConfig.TOPIC_ENDPOINT_RATES_CONFIG, "endpoint-rates"}, {FloodwatchConfig.TOPIC_ANOMALIES_CONFIG, "anomalies"},
            {FloodwatchConfig.TOPIC_MITIGATIONS_CONFIG, "mitigations"}, {FloodwatchConfig.TOPIC_DETECTOR_CONTROL_CONFIG, "detector-control"}}) {
            settings.add(topic[0] + "=" + app + "-" + topic[1]);
        }
        return settings.toArray(String[]::new);
    }

    private static String[] withStandby(String[] settings) {
        List<String> all = new ArrayList<>(List.of(settings));
        all.add(FloodwatchConfig.KAFKA_PREFIX + "num.standby.replicas=1");
        return all.toArray(String[]::new);
    }

    /** 90 s of event time: the attackers at 150 requests/s each among 300 benign sources. */
    private static void publishBacklog(String bootstrap, String topic, long start) {
        try (RequestPublisher gateway = RequestPublisher.create(bootstrap, topic, Map.of())) {
            for (long t = 0; t < 90_000; t += 100) {
                for (String attacker : ATTACKERS) {
                    for (int i = 0; i < 15; i++) {
                        gateway.publish(Events.get(start + t + i * 6L, attacker, "/api/v1/chat/completions"));
                    }
                }
                for (int b = 0; b < 3; b++) {
                    int source = (int) ((t / 100 * 3 + b) % 300);
                    gateway.publish(Events.get(start + t + b, "10.40." + source / 250 + "." + (source % 250 + 1), "/api/v1/models"));
                }
            }
            gateway.flush();
        }
    }

    /**
     * What each command decided: action, scope, target and mode. Not the command id and issue time (wall clock), nor
     * {@code detectedAt} and the expiry derived from it: the detecting stages see the traffic in ticks cut at each
     * commit, so the event time a limit is found crossed moves with the commit boundaries by a fraction of a second.
     */
    private static List<String> decisions(List<MitigationCommand> commands) {
        return commands.stream().map(c -> c.getAction() + " " + c.getScope() + " " + c.getTarget() + " " + c.getMode()).toList();
    }

    private static List<String> decisions(TestBroker broker, String topic) {
        return decisions(commands(broker, topic));
    }

    /** The largest difference of {@code detectedAt} between the two runs' matching commands, in ms. */
    private static long detectionSkew(List<MitigationCommand> one, List<MitigationCommand> two) {
        Map<String, Long> first = new HashMap<>();
        one.forEach(c -> first.putIfAbsent(decisions(List.of(c)).get(0), c.getDetectedAt()));
        long skew = 0;
        for (MitigationCommand c : two) {
            Long other = first.get(decisions(List.of(c)).get(0));
            if (other != null) {
                skew = Math.max(skew, Math.abs(other - c.getDetectedAt()));
            }
        }
        return skew;
    }

    private static List<MitigationCommand> commands(TestBroker broker, String topic) {
        List<MitigationCommand> commands = new ArrayList<>();
        broker.readAll(topic).forEach(record -> {
            if (record.value() != null) {
                commands.add(COMMANDS.deserialize(topic, record.value()));
            }
        });
        return commands;
    }

    /** Creates an input topic with {@value #PARTITIONS} partitions; returns the brokers. */
    private static String createInput(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return bootstrap;
    }

    private static long lag(String bootstrap, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : admin.listOffsets(latest).all()
                .get(10, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
            }
            return lag;
        }
    }
}

package io.floodwatch.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.gateway.sidecar.Sidecar;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.sign.CommandKeys;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.TestBroker;

/**
 * An attack goes on, live, while the detector or the broker is killed with SIGKILL and restarted: the attackers stay
 * mitigated at the gateway throughout, nothing is lifted before the attack ends, no command is published twice, and
 * nothing the gateway publisher accepted is lost. Each case prints how long detection paused.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class AttackFaultsIntegrationTest {

    private static final List<String> ATTACKERS = List.of("203.0.113.10", "203.0.113.11", "198.51.100.20", "192.0.2.30");
    private static final int ATTACK_PER_SECOND = 150;
    private static final int BENIGN_SOURCES = 40;
    private static final String BENIGN_PREFIX = "10.20.";
    /** The detector's {@code mitigation.lift.after.ms} in these tests. */
    private static final String LIFT_AFTER = "mitigation.lift.after.ms=15000";
    /** Longer than the lift delay: a catch-up that lifted on wall-clock or skewed time would. */
    private static final Duration DETECTOR_DOWN = Duration.ofSeconds(20);
    private static final Duration BROKER_DOWN = Duration.ofSeconds(10);
    private static final AvroSerde<MitigationCommand> COMMANDS = AvroSerde.of(MitigationCommand.class);

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheAttackMitigatedWithoutLiftOrDuplicateWhenTheDetectorIsKilledMidAttackAndRestarted() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            // Given a detector process, a sidecar and an attack in progress, live
            Path data = dir.resolve("detector");
            Process first = ChildProcesses.startDetector(broker.bootstrapServers(), data, dir.resolve("first.txt"), LIFT_AFTER);
            ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);
            try (Sidecar sidecar = sidecar(broker.bootstrapServers());
                 RequestEventPublisher gateway = RequestEventPublisher.create(broker.bootstrapServers(), "requests", 200_000, Map.of())) {
                Gaps gaps = new Gaps(sidecar);
                live(traffic, gateway::publish, gaps);
                await("every attacker mitigated at the gateway").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(gaps::allMitigated);
                Set<String> before = commandIds(broker.bootstrapServers());

                // When the detector is killed with SIGKILL, stays down while the attack goes on, and is restarted
                assertEquals(137, ChildProcesses.kill(first), "killed by SIGKILL");
                long killed = System.nanoTime();
                long outputAtKill = committedEnd(broker.bootstrapServers(), "endpoint-rates");
                Thread.sleep(DETECTOR_DOWN.toMillis());
                long restarted = System.nanoTime();
                Process second = ChildProcesses.startDetector(broker.bootstrapServers(), data, dir.resolve("second.txt"), LIFT_AFTER);
                try {
                    await("detection resumed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                        .until(() -> committedEnd(broker.bootstrapServers(), "endpoint-rates") > outputAtKill);
                    long resumed = System.nanoTime();
                    await("the backlog processed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> groupLag(broker.bootstrapServers()) < 5_000);
                    long caughtUp = System.nanoTime();
                    Thread.sleep(15_000);
                    traffic.shutdownNow();
                    System.out.printf("detector SIGKILL during an attack: down %.1f s; after the restart, detection resumed in %.1f s"
                        + " (first committed output) and the backlog was processed in %.1f s; %d samples of the gateway table"
                        + " with an attacker unmitigated%n", (restarted - killed) / 1e9, (resumed - restarted) / 1e9,
                        (caughtUp - restarted) / 1e9, gaps.unmitigated());

                    // Then the attackers stayed mitigated, nothing was lifted, and no command was published twice or lost
                    List<MitigationCommand> commands = commands(broker.bootstrapServers());
                    assertEquals(0, gaps.unmitigated(), "samples with an attacker unmitigated at the gateway");
                    assertNoLiftNorDuplicate(commands);
                    assertTrue(commandIds(commands).containsAll(before), "every command published before the kill is kept");
                    assertTrue(commands.stream().noneMatch(c -> c.getTarget().toString().startsWith(BENIGN_PREFIX)),
                        "no command on the benign sources: " + targets(commands));
                } finally {
                    ChildProcesses.stop(second);
                }
            } finally {
                traffic.shutdownNow();
            }
        }
    }

    @Test
    void shouldRecoverWithoutLosingAcceptedEventsWhenTheBrokerIsKilledMidAttackAndRestarted() throws Exception {
        // Given a broker process, a detector process, a sidecar and a gateway publisher, and an attack in progress
        int port = freePort();
        Path brokerData = dir.resolve("broker");
        ChildProcesses.Broker broker = ChildProcesses.startBroker(brokerData, port, dir.resolve("broker-1.txt"));
        String bootstrap = broker.bootstrapServers();
        Process detector = ChildProcesses.startDetector(bootstrap, dir.resolve("detector"), dir.resolve("detector.txt"), LIFT_AFTER);
        ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);
        ChildProcesses.Broker restartedBroker = null;
        try (Sidecar sidecar = sidecar(bootstrap);
             RequestEventPublisher gateway = RequestEventPublisher.create(bootstrap, "requests", 200_000, Map.of())) {
            Gaps gaps = new Gaps(sidecar);
            live(traffic, gateway::publish, gaps);
            await("every attacker mitigated at the gateway").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(gaps::allMitigated);

            // When the broker is killed with SIGKILL, stays down while the gateways go on publishing, and restarts on its data
            assertEquals(137, ChildProcesses.kill(broker.process()), "killed by SIGKILL");
            Thread.sleep(BROKER_DOWN.toMillis());
            long restarted = System.nanoTime();
            restartedBroker = ChildProcesses.startBroker(brokerData, port, dir.resolve("broker-2.txt"));
            assertEquals(bootstrap, restartedBroker.bootstrapServers(), "the broker is back on its address");
            long[] atRestart = {committedEnd(bootstrap, "endpoint-rates")};
            await("detection resumed").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                .until(() -> committedEnd(bootstrap, "endpoint-rates") > atRestart[0]);
            long resumed = System.nanoTime();
            String late = "192.0.2.99";
            gaps.attack(late);
            long lateStart = System.nanoTime();
            await("a new attacker mitigated at the gateway").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(gaps::allMitigated);
            long lateMitigated = System.nanoTime();
            traffic.shutdownNow();
            traffic.awaitTermination(10, TimeUnit.SECONDS);
            gateway.close(Duration.ofSeconds(60));
            Map<String, Long> counts = gateway.counts();
            long onTopic = TestBroker.readAll(bootstrap, "requests", Map.of()).size();
            System.out.printf("broker SIGKILL during an attack: down %.1f s; detection resumed %.1f s after the broker restart;"
                + " an attacker starting then was enforced at the gateway in %.1f s; gateway publisher %s, %d events on 'requests';"
                + " %d samples of the gateway table with an attacker unmitigated%n", BROKER_DOWN.toMillis() / 1e3,
                (resumed - restarted) / 1e9, (lateMitigated - lateStart) / 1e9, counts, onTopic, gaps.unmitigated());

            // Then nothing the publisher accepted is lost or duplicated, the attack stayed mitigated, and nothing was lifted
            assertEquals(0L, counts.get("dropped"), "nothing dropped within the publisher's bound");
            assertEquals(0L, counts.get("failed"), "nothing failed");
            assertEquals(counts.get("accepted"), onTopic, "every accepted event on 'requests', once");
            assertEquals(0, gaps.unmitigated(), "samples with an attacker unmitigated at the gateway");
            assertTrue(detector.isAlive(), "the detector recovered by itself");
            assertNoLiftNorDuplicate(commands(bootstrap));
        } finally {
            traffic.shutdownNow();
            ChildProcesses.stop(detector);
            if (restartedBroker != null) {
                ChildProcesses.stop(restartedBroker.process());
            }
            ChildProcesses.kill(broker.process());
        }
    }

    /** The attackers at {@value #ATTACK_PER_SECOND} requests/s each and benign sources browsing, timestamped now. */
    private static void live(ScheduledExecutorService traffic, Consumer<RequestEvent> publish, Gaps gaps) {
        AtomicLong tick = new AtomicLong();
        ATTACKERS.forEach(gaps::attack);
        traffic.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            long n = tick.getAndIncrement();
            for (String attacker : gaps.attackers()) {
                for (int i = 0; i < ATTACK_PER_SECOND / 10; i++) {
                    publish.accept(Events.get(now + i * 5L, attacker, "/api/v1/chat/completions"));
                }
            }
            int benign = (int) (n % BENIGN_SOURCES);
            publish.accept(Events.get(now, BENIGN_PREFIX + benign / 200 + "." + (benign % 200 + 1), "/api/v1/models"));
        }, 0, 100, TimeUnit.MILLISECONDS);
        traffic.scheduleAtFixedRate(gaps::sample, 100, 200, TimeUnit.MILLISECONDS);
    }

    private static Sidecar sidecar(String bootstrap) throws Exception {
        Sidecar sidecar = Sidecar.start(new Sidecar.Settings(bootstrap, new InetSocketAddress("127.0.0.1", 0), null, null,
            "requests", "mitigations", 1, 2, 10_000, Map.of(), CommandKeys.NONE));
        assertTrue(sidecar.awaitReady(Duration.ofSeconds(60)), "the sidecar loaded the commands in force");
        return sidecar;
    }

    /** Samples the gateway's table: once an attacker has been mitigated, is it still, every time? */
    private static final class Gaps {
        private final Sidecar sidecar;
        private final Set<String> attackers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Set<String> mitigated = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final AtomicLong unmitigated = new AtomicLong();

        Gaps(Sidecar sidecar) {
            this.sidecar = sidecar;
        }

        void attack(String address) {
            attackers.add(address);
        }

        Set<String> attackers() {
            return attackers;
        }

        void sample() {
            for (String attacker : attackers) {
                boolean now = !sidecar.table().onAddress(attacker).isEmpty();
                if (now) {
                    mitigated.add(attacker);
                } else if (mitigated.contains(attacker)) {
                    unmitigated.incrementAndGet();
                }
            }
        }

        boolean allMitigated() {
            return mitigated.containsAll(attackers);
        }

        long unmitigated() {
            return unmitigated.get();
        }
    }

    private static void assertNoLiftNorDuplicate(List<MitigationCommand> commands) {
        List<MitigationCommand> lifts = commands.stream().filter(c -> c.getAction() == MitigationAction.LIFT).toList();
        assertEquals(List.of(), lifts, "no LIFT while the attack goes on");
        Map<String, Long> ids = commands.stream().collect(Collectors.groupingBy(c -> c.getCommandId().toString(), Collectors.counting()));
        ids.values().removeIf(n -> n == 1);
        assertEquals(Map.of(), ids, "no command id published twice");
        Map<String, Long> same = commands.stream().collect(Collectors.groupingBy(c -> c.getAction() + " " + c.getScope() + " "
            + c.getTarget() + " detected " + c.getDetectedAt() + " expires " + c.getExpiresAt(), Collectors.counting()));
        same.values().removeIf(n -> n == 1);
        assertEquals(Map.of(), same, "no command (action, target, detectedAt, expiry) published twice");
    }

    private static List<MitigationCommand> commands(String bootstrap) {
        List<MitigationCommand> commands = new ArrayList<>();
        TestBroker.readAll(bootstrap, "mitigations", Map.of()).forEach(record -> {
            if (record.value() != null) {
                commands.add(COMMANDS.deserialize("mitigations", record.value()));
            }
        });
        return commands;
    }

    private static Set<String> commandIds(String bootstrap) {
        return commandIds(commands(bootstrap));
    }

    private static Set<String> commandIds(List<MitigationCommand> commands) {
        Set<String> ids = new HashSet<>();
        commands.forEach(c -> ids.add(c.getCommandId().toString()));
        return ids;
    }

    private static Map<String, Long> targets(List<MitigationCommand> commands) {
        return commands.stream().collect(Collectors.groupingBy(c -> c.getTarget().toString(), Collectors.counting()));
    }

    /** The summed end offsets a read_committed consumer sees on the topic. */
    private static long committedEnd(String bootstrap, String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(5)).values().stream().mapToLong(Long::longValue).sum();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return -1;
        }
    }

    /** Records of {@code requests} not yet committed by the detector's group. */
    private static long groupLag(String bootstrap) throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                 new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var committed = admin.listConsumerGroupOffsets("floodwatch-detector").partitionsToOffsetAndMetadata().get();
            List<TopicPartition> partitions = consumer.partitionsFor("requests").stream()
                .map(p -> new TopicPartition("requests", p.partition())).toList();
            long lag = 0;
            for (var end : consumer.endOffsets(partitions).entrySet()) {
                var offset = committed.get(end.getKey());
                lag += end.getValue() - (offset == null ? 0 : offset.offset());
            }
            return lag;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

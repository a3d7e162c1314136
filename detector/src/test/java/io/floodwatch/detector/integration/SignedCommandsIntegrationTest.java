package io.floodwatch.detector.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.gateway.sidecar.Sidecar;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.sign.CommandKeys;
import io.floodwatch.schema.sign.CommandSignatures;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.TestBroker;

/**
 * Signed commands on a real broker: the sidecar enforces the detector's signed commands and drops the ones written
 * by anyone else on {@code mitigations}, unsigned or signed with another secret under the detector's key id.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SignedCommandsIntegrationTest {

    private static final String ATTACKER = "203.0.113.66";
    private static final String VICTIM = "198.51.100.9";

    @TempDir
    Path dir;

    private static String ring(char fill) {
        return "k1:" + Base64.getEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldEnforceOnlyTheDetectorsCommandsWhenAForgerWritesToTheCommandTopic() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("command-keys"), ring('d'));
        CommandKeys keys = CommandKeys.load(keyFile.toString(), "", System::getenv);
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            // Given a detector that signs with the key file, and a sidecar that verifies with it
            Map<String, Object> settings = broker.detectorSettings(dir.resolve("detector"));
            settings.put(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, "3");
            settings.put(FloodwatchConfig.IP_BLOCK_RATE_CONFIG, "5");
            settings.put(FloodwatchConfig.SIGNING_KEYS_FILE_CONFIG, keyFile.toString());
            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
            try (DetectorApp detector = DetectorApp.start(new FloodwatchConfig(settings), new PrintStream(new ByteArrayOutputStream()));
                 Sidecar sidecar = Sidecar.start(new Sidecar.Settings(broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0),
                     null, null, "requests", "mitigations", 1, 2, 10_000, Map.of(), keys));
                 RequestPublisher gateway = RequestPublisher.create(broker.bootstrapServers(), "requests", Map.of())) {
                assertTrue(sidecar.awaitReady(Duration.ofSeconds(60)), "the sidecar loaded the commands in force");

                // When a forger blocks a real user, unsigned and then under the detector's key id with another secret,
                // and removes a command with a tombstone, while an attacker floods and the real user browses once a second
                forge(broker, keys);
                AtomicLong ticks = new AtomicLong();
                traffic.scheduleAtFixedRate(() -> {
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < 20; i++) {
                        gateway.publish(Events.get(now + i * 5L, ATTACKER, "/api/v1/models"));
                    }
                    if (ticks.getAndIncrement() % 10 == 0) {
                        gateway.publish(Events.get(now, VICTIM, "/api/v1/models"));
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);

                // Then the detector's command on the attacker is enforced, and none of the forged ones is
                await("the detector's command enforced").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !sidecar.table().onAddress(ATTACKER).isEmpty());
                await("the forged records dropped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> unverified(sidecar) == 3);
                assertTrue(sidecar.table().onAddress(VICTIM).isEmpty(), "no forged command on the real user: "
                    + sidecar.table().onAddress(VICTIM));
                assertEquals(3, unverified(sidecar));
            } finally {
                traffic.shutdownNow();
            }
        }
    }

    private static long unverified(Sidecar sidecar) {
        return sidecar.unverifiedCommands();
    }

    private static void forge(TestBroker broker, CommandKeys keys) throws Exception {
        long now = System.currentTimeMillis();
        MitigationCommand block = MitigationCommand.newBuilder().setCommandId("forged").setAction(MitigationAction.BLOCK)
            .setScope(MitigationScope.SOURCE_IP).setTarget(VICTIM).setMode(MitigationMode.ENFORCE).setDetectedAt(now)
            .setIssuedAt(now).setExpiresAt(now + 3_600_000).setReason("forged").build();
        byte[] value = AvroSerde.of(MitigationCommand.class).serialize("mitigations", block);
        ProducerRecord<String, byte[]> unsigned = new ProducerRecord<>("mitigations", "ip:" + VICTIM, value);
        ProducerRecord<String, byte[]> wrongSecret = new ProducerRecord<>("mitigations", "ip:" + VICTIM, value);
        new CommandSignatures(CommandKeys.parse(ring('x'), "forger")).sign("ip:" + VICTIM, block, wrongSecret.headers());
        assertEquals("k1", keys.signingKeyId(), "the forger uses the detector's key id");
        try (KafkaProducer<String, byte[]> forger = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            forger.send(unsigned).get();
            forger.send(wrongSecret).get();
            forger.send(new ProducerRecord<>("mitigations", "ip:" + ATTACKER, null)).get();
        }
    }
}

package io.floodwatch.detector.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.broker.AccessPolicy;
import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.TestBroker;

/**
 * The command channel on a broker with SASL/SCRAM and Floodwatch's ACLs: a gateway's credentials publish requests
 * but are refused by the broker on {@code mitigations} and {@code detector-control}; a client without the right
 * password is refused at authentication; the detector, with its own credentials, still mitigates an attack.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecureBrokerIntegrationTest {

    private static final String ATTACKER = "203.0.113.77";

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAGatewayWritingCommandsOrRulesWhenTheBrokerEnforcesTheAcls() throws Exception {
        try (TestBroker broker = TestBroker.startSecure(dir.resolve("broker"))) {
            // Given a detector and a gateway, each with its own principal
            Map<String, Object> settings = broker.detectorSettings(dir.resolve("detector"));
            broker.clientSettings(AccessPolicy.DETECTOR).forEach((key, value) -> settings.put(FloodwatchConfig.KAFKA_PREFIX + key, value));
            settings.put(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, "3");
            settings.put(FloodwatchConfig.IP_BLOCK_RATE_CONFIG, "5");
            Map<String, Object> gatewaySettings = broker.clientSettings(AccessPolicy.GATEWAY);
            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
            try (DetectorApp detector = DetectorApp.start(new FloodwatchConfig(settings), new PrintStream(new ByteArrayOutputStream()));
                 RequestPublisher gateway = RequestPublisher.create(broker.bootstrapServers(), "requests", gatewaySettings)) {

                // When the gateway's principal writes a command and a rule, and a client tries a wrong password
                ExecutionException command = assertThrows(ExecutionException.class,
                    () -> write(broker, gatewaySettings, "mitigations", "ip:198.51.100.9"));
                ExecutionException rule = assertThrows(ExecutionException.class,
                    () -> write(broker, gatewaySettings, "detector-control", "ip.block.rate"));
                Map<String, Object> wrongPassword = new HashMap<>(gatewaySettings);
                wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"detector\" password=\"guessed\";");
                ExecutionException impostor = assertThrows(ExecutionException.class,
                    () -> write(broker, wrongPassword, "mitigations", "ip:198.51.100.9"));
                traffic.scheduleAtFixedRate(() -> {
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < 20; i++) {
                        gateway.publish(Events.get(now + i * 5L, ATTACKER, "/api/v1/models"));
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);

                // Then the broker refuses all three, and the detector still acts on the gateway's traffic
                assertInstanceOf(TopicAuthorizationException.class, command.getCause(), command.getCause().toString());
                assertInstanceOf(TopicAuthorizationException.class, rule.getCause(), rule.getCause().toString());
                assertInstanceOf(SaslAuthenticationException.class, impostor.getCause(), impostor.getCause().toString());
                await("the detector's command on the attacker").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> commandsOn(broker, ATTACKER) > 0);
                assertFalse(commandTargets(broker).contains("198.51.100.9"), "no command from the gateway's principal");
            } finally {
                traffic.shutdownNow();
            }
        }
    }

    private static void write(TestBroker broker, Map<String, Object> credentials, String topic, String key) throws Exception {
        Map<String, Object> props = new HashMap<>(credentials);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), new byte[] {1})).get();
        }
    }

    private static long commandsOn(TestBroker broker, String address) {
        return commandTargets(broker).stream().filter(address::equals).count();
    }

    private static List<String> commandTargets(TestBroker broker) {
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
        return broker.readAll("mitigations").stream().map(ConsumerRecord::value).filter(value -> value != null)
            .map(value -> serde.deserialize("mitigations", value).getTarget().toString()).toList();
    }
}

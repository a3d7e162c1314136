package io.floodwatch.detector.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.control.ControlRulesProcessor;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.target.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code floodwatch lift --target T}: asks the detector, through {@code detector-control}, to lift the command in
 * force for a target now, and confirms with the LIFT the detector publishes on {@code mitigations}.
 */
@Command(name = "lift", mixinStandardHelpOptions = true,
    description = "Lift the command in force for a target now (through detector-control), and wait for the detector's LIFT.")
final class LiftCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEY_PREFIXES = List.of("ip:", "prefix:", "account:", "endpoint:");

    @Mixin
    ConfigOptions options;

    @Option(names = "--target", required = true, paramLabel = "TARGET",
        description = "An IP, a CIDR prefix, or a target key: ip:203.0.113.7, prefix:198.51.100.0/24, account:ID, "
            + "'endpoint:POST /api/v1/auth/register'.")
    String target;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "How long to wait for the detector's LIFT (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String key = targetKey(target);
        FloodwatchConfig config = options.load();
        String bootstrap = TopicAccess.bootstrap(config);
        String mitigations = config.getString(FloodwatchConfig.TOPIC_MITIGATIONS_CONFIG);
        List<TopicPartition> partitions = TopicAccess.partitions(config, bootstrap, mitigations, timeoutSeconds);
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaConsumer<String, byte[]> consumer = TopicAccess.consumer(config, bootstrap, new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long requestedAt = System.currentTimeMillis();
            TopicAccess.send(config, bootstrap, config.getString(FloodwatchConfig.TOPIC_DETECTOR_CONTROL_CONFIG),
                ControlRulesProcessor.LIFT_PREFIX + key, JSON.writeValueAsString(Map.of("requestedAt", requestedAt,
                    "requestedBy", System.getProperty("user.name", "unknown"))), timeoutSeconds);
            out.println("Asked the detector to lift " + key + "; waiting for its LIFT…");
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!key.equals(record.key()) || record.value() == null) {
                        continue;
                    }
                    MitigationCommand command = serde.deserialize(mitigations, record.value());
                    if (command.getAction() == MitigationAction.LIFT) {
                        out.println("Lifted " + key + ": " + command.getReason());
                        return 0;
                    }
                }
            }
        }
        throw new CliException("no LIFT for " + key + " within " + timeoutSeconds + " s: is a command in force for it "
            + "('floodwatch commands'), and is a detector running? The request stays on detector-control until lifted.");
    }

    /** The target key on the mitigations topic for an IP, a CIDR, or a key given as is. */
    static String targetKey(String target) {
        String trimmed = target.trim();
        for (String prefix : KEY_PREFIXES) {
            if (trimmed.startsWith(prefix) && trimmed.length() > prefix.length()) {
                return trimmed;
            }
        }
        if (IpAddress.isValid(trimmed)) {
            return "ip:" + trimmed;
        }
        int slash = trimmed.indexOf('/');
        if (slash > 0 && IpAddress.isValid(trimmed.substring(0, slash))) {
            return "prefix:" + trimmed;
        }
        throw new CliException("'" + target + "' is not an IP, a CIDR prefix or a target key; use e.g. 203.0.113.7, "
            + "198.51.100.0/24, account:ID or 'endpoint:POST /api/v1/auth/register'");
    }
}

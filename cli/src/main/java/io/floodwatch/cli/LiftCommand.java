package io.floodwatch.cli;

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
import io.floodwatch.detector.rules.ControlStore;
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
                ControlStore.liftKey(key), JSON.writeValueAsString(Map.of("requestedAt", requestedAt,
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

    /**
     * The target key on the mitigations topic, with addresses and prefixes in the detector's canonical text (so
     * {@code 2001:DB8::1} and {@code 198.51.100.7/24} find {@code ip:2001:db8::1} and {@code prefix:198.51.100.0/24}).
     */
    static String targetKey(String target) {
        String trimmed = target.trim();
        for (String prefix : KEY_PREFIXES) {
            if (trimmed.startsWith(prefix) && trimmed.length() > prefix.length()) {
                String rest = trimmed.substring(prefix.length());
                String canonical = prefix.equals("ip:") ? address(rest) : prefix.equals("prefix:") ? cidr(rest) : rest;
                if (canonical == null) {
                    break;
                }
                return prefix + canonical;
            }
        }
        String address = address(trimmed);
        if (address != null) {
            return "ip:" + address;
        }
        String cidr = cidr(trimmed);
        if (cidr != null) {
            return "prefix:" + cidr;
        }
        throw new CliException("'" + target + "' is not an IP, a CIDR prefix or a target key; use e.g. 203.0.113.7, "
            + "198.51.100.0/24, account:ID or 'endpoint:POST /api/v1/auth/register'");
    }

    private static String address(String text) {
        long ipv4 = IpAddress.parseIpv4(text);
        if (ipv4 != IpAddress.NOT_IPV4) {
            return IpAddress.ipv4Text(ipv4);
        }
        byte[] ipv6 = IpAddress.parseIpv6(text);
        if (ipv6 == null) {
            return null;
        }
        long mapped = IpAddress.mappedIpv4(ipv6);
        return mapped != IpAddress.NOT_IPV4 ? IpAddress.ipv4Text(mapped) : IpAddress.ipv6Text(ipv6);
    }

    private static String cidr(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        long ipv4 = IpAddress.parseIpv4(text.substring(0, slash));
        if (ipv4 != IpAddress.NOT_IPV4 && length >= 0 && length <= 32) {
            return IpAddress.ipv4Cidr(IpAddress.ipv4Network(ipv4, length), length);
        }
        byte[] ipv6 = IpAddress.parseIpv6(text.substring(0, slash));
        if (ipv6 != null && length >= 0 && length <= 64) {
            return IpAddress.ipv6Cidr(IpAddress.ipv6Network(IpAddress.ipv6High(ipv6), length), length);
        }
        return null;
    }
}

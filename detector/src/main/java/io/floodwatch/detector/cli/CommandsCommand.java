package io.floodwatch.detector.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.PlainJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code floodwatch commands}: prints the mitigation commands on the topic, from the beginning. */
@Command(name = "commands", mixinStandardHelpOptions = true,
    description = "Print the mitigation commands on the mitigations topic, oldest first, then exit (or follow).")
final class CommandsCommand implements Callable<Integer> {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @Mixin
    ConfigOptions options;

    @Option(names = "--json", description = "One JSON object per line (for scripts).")
    boolean json;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new commands until interrupted.")
    boolean follow;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "How long to wait for the broker (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FloodwatchConfig config = options.load();
        String bootstrap = config.embedded() ? DEFAULT_BOOTSTRAP : config.getString(FloodwatchConfig.BOOTSTRAP_SERVERS_CONFIG);
        String topic = config.getString(FloodwatchConfig.TOPIC_MITIGATIONS_CONFIG);
        List<TopicPartition> partitions = partitions(config, bootstrap, topic);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
        Map<String, Object> props = new HashMap<>(config.kafkaOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            AtomicBoolean stopping = new AtomicBoolean();
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                stopping.set(true);
                consumer.wakeup();
                try {
                    main.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(timeoutSeconds));
            try {
                while (!stopping.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        print(out, err, serde, record);
                    }
                    out.flush();
                    if (!follow && caughtUp(consumer, end)) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                // Ctrl-C while following
            } finally {
                if (!stopping.get()) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
        }
        return 0;
    }

    private void print(PrintWriter out, PrintWriter err, AvroSerde<MitigationCommand> serde, ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        MitigationCommand command;
        try {
            command = serde.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            err.println("floodwatch: skipping undecodable record at " + record.topic() + "-" + record.partition() + "@"
                + record.offset() + ": " + InvalidEventException.excerpt(e.getMessage()));
            return;
        }
        out.println(json ? PlainJson.toJson(command) : human(command));
    }

    static String human(MitigationCommand c) {
        StringBuilder line = new StringBuilder()
            .append(Instant.ofEpochMilli(c.getDetectedAt())).append("  ")
            .append(c.getAction()).append("  ").append(c.getScope()).append("  ").append(c.getTarget());
        if (c.getAllowedRegions() != null) {
            line.append("  allowed=").append(c.getAllowedRegions());
        }
        if (c.getRateLimitPerSecond() != null) {
            line.append(String.format(java.util.Locale.ROOT, "  limit=%.1f/s", c.getRateLimitPerSecond()));
        }
        return line.append("  ").append(c.getMode()).append("  expires=").append(Instant.ofEpochMilli(c.getExpiresAt()))
            .append("  ").append(c.getReason()).toString();
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    private List<TopicPartition> partitions(FloodwatchConfig config, String bootstrap, String topic) throws InterruptedException {
        Map<String, Object> props = new HashMap<>(config.kafkaOverrides());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
        try (Admin admin = Admin.create(props)) {
            TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
                .get(timeoutSeconds, TimeUnit.SECONDS).get(topic);
            return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (TimeoutException e) {
            throw unreachable(bootstrap);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new CliException("topic '" + topic + "' does not exist on " + bootstrap
                    + "; has the detector run against this broker?");
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(bootstrap);
            }
            throw new CliException("cannot read topic '" + topic + "' on " + bootstrap + ": " + e.getCause().getMessage());
        }
    }

    private CliException unreachable(String bootstrap) {
        return new CliException("cannot reach Kafka at " + bootstrap + " within " + timeoutSeconds
            + " s; start the detector with 'floodwatch run' or pass --bootstrap-servers HOST:PORT");
    }
}

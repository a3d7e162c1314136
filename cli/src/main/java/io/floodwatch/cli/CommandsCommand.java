package io.floodwatch.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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

    @Mixin
    ConfigOptions options;

    @Option(names = "--json", description = "One JSON object per line (for scripts).")
    boolean json;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new commands until interrupted.")
    boolean follow;

    @Mixin

    BrokerTimeout timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FloodwatchConfig config = options.load();
        String bootstrap = TopicAccess.bootstrap(config);
        String topic = config.getString(FloodwatchConfig.TOPIC_MITIGATIONS_CONFIG);
        List<TopicPartition> partitions = TopicAccess.partitions(config, bootstrap, topic, timeout.seconds);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
        try (KafkaConsumer<String, byte[]> consumer = TopicAccess.consumer(config, bootstrap, new ByteArrayDeserializer())) {
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
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(timeout.seconds));
            try {
                while (!stopping.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        print(out, err, serde, record);
                    }
                    out.flush();
                    if (!follow && TopicAccess.caughtUp(consumer, end)) {
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
}

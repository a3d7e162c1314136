package io.floodwatch.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.floodwatch.producers.Pacer;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.RecordedLines;
import io.floodwatch.detector.config.FloodwatchConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code floodwatch replay}: publishes recorded traffic (JSON lines or a combined access log) with its own timestamps, at the recorded
 * pace or at full speed. Valid lines go to the requests topic as Avro keyed by source IP; invalid lines go, as
 * they are, to the JSON topic, where the detector dead-letters them with the reason: nothing is lost.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay recorded traffic (JSON lines, one RequestEvent per line, or an Apache/nginx combined access log) at the recorded pace or at full speed.")
final class ReplayCommand implements Callable<Integer> {

    private static final int REPORTED_ERRORS = 5;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "JSON lines or a combined access log to replay.")
    Path file;

    @Mixin
    SpeedOption speed;

    @Mixin
    BrokerOption broker;

    @Option(names = "--topic", descriptionKey = FloodwatchConfig.TOPIC_REQUESTS_CONFIG,
        description = "Topic for valid events, Avro (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--json-topic", descriptionKey = FloodwatchConfig.TOPIC_REQUESTS_JSON_CONFIG,
        description = "Topic for lines that do not parse (default ${DEFAULT-VALUE}).")
    String jsonTopic;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Pacer pacer = speed.pacer();
        PrintWriter err = spec.commandLine().getErr();
        long valid = 0;
        long invalid = 0;
        long lineNumber = 0;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             RequestPublisher publisher = RequestPublisher.create(broker.bootstrapServers(), topic, Map.of());
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                 new ByteArraySerializer(), new ByteArraySerializer())) {
            String line;
            while ((line = lines.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                try {
                    RequestEvent event = RecordedLines.parse(line);
                    pacer.await(event.getTimestamp());
                    publisher.publish(event);
                    valid++;
                } catch (InvalidEventException e) {
                    raw.send(new ProducerRecord<>(jsonTopic, bytes));
                    if (invalid++ < REPORTED_ERRORS) {
                        err.println("floodwatch: " + file + ":" + lineNumber + ": " + e.getMessage() + " (sent to " + jsonTopic
                            + " for the dead-letter topic)");
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new CliException("file " + file + " does not exist");
        }
        err.printf("floodwatch: replayed %,d events from %s to %s; %,d invalid lines sent to %s%n", valid, file, topic,
            invalid, jsonTopic);
        err.flush();
        return 0;
    }
}

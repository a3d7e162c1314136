package io.floodwatch.detector.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.app.StreamsSettings;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.topology.FloodwatchTopology;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The production topology in a {@link TopologyTestDriver}, with the production Streams settings (exception
 * handlers, dead-letter topic), its own state directory, and typed access to the input and output topics.
 */
public final class DetectorDriver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopologyTestDriver driver;
    private final Topics topics;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TestInputTopic<String, RequestEvent> requests;
    private final TestInputTopic<byte[], byte[]> requestsJson;
    private final TestInputTopic<String, byte[]> rawRequests;
    private final TestInputTopic<String, String> control;
    private final TestOutputTopic<String, byte[]> mitigations;
    private final TestOutputTopic<String, String> endpointRates;
    private final TestOutputTopic<String, String> anomalies;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final AvroSerde<MitigationCommand> commandSerde = AvroSerde.of(MitigationCommand.class);

    /** A driver with default settings plus the given overrides. */
    public DetectorDriver(Path stateDir, Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(overrides);
        values.put(FloodwatchConfig.DATA_DIR_CONFIG, stateDir.toString());
        values.put(FloodwatchConfig.APPLICATION_ID_CONFIG, "floodwatch-test");
        FloodwatchConfig config = new FloodwatchConfig(values);
        this.topics = Topics.from(config);
        Properties props = StreamsSettings.of(config, "localhost:9", meters);
        try {
            Files.createDirectories(stateDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.driver = new TopologyTestDriver(new FloodwatchTopology(config, topics, DetectorMeters.inMemory()).build(), props, Instant.now());
        this.requests = driver.createInputTopic(topics.requests().name(), new StringSerializer(),
            AvroSerde.of(RequestEvent.class));
        this.requestsJson = driver.createInputTopic(topics.requestsJson().name(), new ByteArraySerializer(), new ByteArraySerializer());
        this.rawRequests = driver.createInputTopic(topics.requests().name(), new StringSerializer(), new ByteArraySerializer());
        this.control = driver.createInputTopic(topics.control().name(), new StringSerializer(), new StringSerializer());
        this.mitigations = driver.createOutputTopic(topics.mitigations().name(), new StringDeserializer(), new ByteArrayDeserializer());
        this.endpointRates = driver.createOutputTopic(topics.endpointRates().name(), new StringDeserializer(), new StringDeserializer());
        this.anomalies = driver.createOutputTopic(topics.anomalies().name(), new StringDeserializer(), new StringDeserializer());
        this.deadLetters = driver.createOutputTopic(topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Publishes gateway events (Avro, keyed by source IP). */
    public void send(RequestEvent... events) {
        for (RequestEvent event : events) {
            requests.pipeInput(event.getSourceIp(), event);
        }
    }

    /** Publishes gateway events (Avro, keyed by source IP). */
    public void send(List<RequestEvent> events) {
        send(events.toArray(RequestEvent[]::new));
    }

    /** Publishes raw bytes on the Avro requests topic. */
    public void sendRawAvro(String key, byte[] value) {
        rawRequests.pipeInput(key, value);
    }

    /** Publishes JSON lines on the JSON requests topic. */
    public void sendJson(byte[]... lines) {
        for (byte[] line : lines) {
            requestsJson.pipeInput(null, line);
        }
    }

    /** Publishes a rule change on {@code detector-control} (a null value returns the rule to its configuration). */
    public void control(String ruleId, String json) {
        control.pipeInput(ruleId, json);
    }

    /** The detector's global store of accepted rule changes and rejections. */
    public Map<String, String> controlStore() {
        Map<String, String> entries = new HashMap<>();
        driver.<String, String>getKeyValueStore(io.floodwatch.detector.rules.ControlStore.STORE).all()
            .forEachRemaining(entry -> entries.put(entry.key, entry.value));
        return entries;
    }

    /** All commands published since the last call. */
    public List<MitigationCommand> commands() {
        List<MitigationCommand> out = new ArrayList<>();
        for (TestRecord<String, byte[]> record : mitigations.readRecordsToList()) {
            out.add(commandSerde.deserialize(topics.mitigations().name(), record.value()));
        }
        return out;
    }

    /** All command records published since the last call, undecoded, with their keys and headers. */
    public List<TestRecord<String, byte[]>> commandRecords() {
        return mitigations.readRecordsToList();
    }

    /** Decodes a command record's value. */
    public MitigationCommand decode(TestRecord<String, byte[]> record) {
        return commandSerde.deserialize(topics.mitigations().name(), record.value());
    }

    /** All endpoint-rate updates published since the last call, as JSON. */
    public List<JsonNode> endpointRates() {
        return parse(endpointRates.readValuesToList());
    }

    /** All anomalies published since the last call, as JSON. */
    public List<JsonNode> anomalies() {
        return parse(anomalies.readValuesToList());
    }

    /** All dead letters published since the last call. */
    public List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /** The meters of the detector (dead-letter counters). */
    public SimpleMeterRegistry meters() {
        return meters;
    }

    /** The underlying driver. */
    public TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
    }

    private static List<JsonNode> parse(List<String> values) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String value : values) {
            try {
                nodes.add(JSON.readTree(value));
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + value, e);
            }
        }
        return nodes;
    }
}

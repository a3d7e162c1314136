package io.floodwatch.integration;

import static io.floodwatch.testing.Events.T0;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.cli.FloodwatchCli;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.ingest.DeadLetters;
import io.floodwatch.testing.GrafanaDashboard;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.PrometheusText;
import io.floodwatch.testing.TestBroker;
import io.floodwatch.testing.Traffic;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;
import picocli.CommandLine;

/**
 * The whole detector against a real KRaft broker: JSON events produced with a plain KafkaProducer lead to the
 * expected commands, and malformed ones land in the dead-letter topic with nothing lost.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DetectorIntegrationTest {

    private static final String REGISTER = "POST /api/v1/auth/register";
    private static final String SCRAPER = "203.0.113.66";

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static DetectorApp detector;
    private static final List<byte[]> MALFORMED = List.of(
        Events.utf8("{\"timestamp\": 1737936000000, \"sourceIp\": \"203.0.113.7\""),
        Events.utf8("{\"timestamp\": 1737936000000, \"sourceIp\": \"203.0.113.7\", \"method\": \"GET\", \"path\": \"/\"}"),
        Events.utf8("{\"timestamp\": 1737936000000, \"sourceIp\": \"bad\", \"method\": \"GET\", \"path\": \"/\", \"status\": 200}"));
    private static int validEvents;

    @BeforeAll
    static void startDetectorAndPublish() throws Exception {
        broker = TestBroker.start(dir);
        Map<String, Object> settings = broker.detectorSettings(dir.resolve("detector"));
        settings.put(FloodwatchConfig.BASELINE_MIN_WINDOWS_CONFIG, 3);
        settings.put(FloodwatchConfig.REGISTRATION_MIN_REQUESTS_CONFIG, 20L);
        // The traffic ends at once; event time then follows the wall clock, and the tests read the commands in force
        // for longer than the default 30 s of quiet before a LIFT.
        settings.put(FloodwatchConfig.LIFT_AFTER_CONFIG, 3_600_000L);
        detector = DetectorApp.start(new FloodwatchConfig(settings), new PrintStream(new ByteArrayOutputStream()));

        List<RequestEvent> traffic = new ArrayList<>(Traffic.merge(
            Traffic.registrations(T0, 300, 2, "10.1.", "CN", "CN", "CN", "CN", "US"),
            Traffic.logins(T0, 330, 5, "CN")));
        traffic.addAll(Traffic.scripted(Traffic.registrations(T0 + 300_000, 30, 30, "198.18.", "BR", "IN", "VN")));
        traffic.sort(java.util.Comparator.comparingLong(RequestEvent::getTimestamp));
        List<RequestEvent> scraper = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            scraper.add(Events.get(T0 + 310_000 + i * 5L, SCRAPER, "/api/v1/models"));
        }
        validEvents = traffic.size() + scraper.size();
        try (RequestPublisher gateway = RequestPublisher.create(broker.bootstrapServers(), "requests", Map.of())) {
            scraper.forEach(gateway::publish);
        }
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (RequestEvent event : traffic) {
                producer.send(new ProducerRecord<>("requests-json", null, Events.json(event)));
            }
            for (byte[] line : MALFORMED) {
                producer.send(new ProducerRecord<>("requests-json", null, line));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (detector != null) {
            detector.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldRestrictRegistrationToUsualRegionsWhenJsonEventsShowARegistrationFlood() {
        // Given: the baseline and the flood published in startDetectorAndPublish()
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);

        // When
        List<MitigationCommand> commands = new ArrayList<>();
        await("a RESTRICT_REGISTRATION command on the mitigations topic").atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1)).until(() -> {
                commands.clear();
                broker.readAll("mitigations").forEach(r -> commands.add(serde.deserialize("mitigations", r.value())));
                return commands.stream().anyMatch(c -> c.getAction() == MitigationAction.RESTRICT_REGISTRATION);
            });

        // Then
        MitigationCommand restrict = commands.stream().filter(c -> c.getAction() == MitigationAction.RESTRICT_REGISTRATION)
            .findFirst().orElseThrow();
        assertEquals(REGISTER, restrict.getTarget());
        assertEquals(List.of("CN", "US"), restrict.getAllowedRegions());
        assertTrue(commands.stream().noneMatch(c -> c.getTarget().contains("login")), "login untouched: " + commands);
        ConsumerRecord<byte[], byte[]> record = broker.readAll("mitigations").stream()
            .filter(r -> serde.deserialize("mitigations", r.value()).getAction() == MitigationAction.RESTRICT_REGISTRATION)
            .findFirst().orElseThrow();
        assertArrayEquals(Events.utf8("endpoint:" + REGISTER), record.key());
    }

    @Test
    void shouldBlockTheSourceWhenAGatewayPublishesAvroEventsOverTheBlockRate() {
        // Given: 2,000 requests in 10 s from one address, published as Avro by a gateway in startDetectorAndPublish(),
        // during the last minute of the JSON traffic (a full-speed replay: windows older than the grace period are late)
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);

        // When
        List<MitigationCommand> commands = new ArrayList<>();
        await("a BLOCK of the scraper").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            commands.clear();
            broker.readAll("mitigations").forEach(r -> commands.add(serde.deserialize("mitigations", r.value())));
            return commands.stream().anyMatch(c -> c.getTarget().equals(SCRAPER) && c.getAction() == MitigationAction.BLOCK);
        });

        // Then
        MitigationCommand block = commands.stream().filter(c -> c.getTarget().equals(SCRAPER)
            && c.getAction() == MitigationAction.BLOCK).findFirst().orElseThrow();
        assertEquals(io.floodwatch.schema.MitigationScope.SOURCE_IP, block.getScope());
        assertTrue(block.getDetectedAt() >= T0 + 310_000 && block.getDetectedAt() <= T0 + 331_000, block.toString());
    }

    @Test
    void shouldDeadLetterMalformedEventsAndForwardEveryValidOneWhenInputIsMixed() {
        // Given: valid and malformed JSON lines published in startDetectorAndPublish()

        // When
        await("every input accounted for").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> PrometheusText.scrape(detector.httpAddress()).sum("floodwatch_events_in_total") == validEvents
                && broker.readAll("requests-dlq").size() == MALFORMED.size());

        // Then
        List<ConsumerRecord<byte[], byte[]>> letters = broker.readAll("requests-dlq");
        List<String> reasons = letters.stream().map(r -> new String(r.headers().lastHeader(DeadLetters.REASON_HEADER).value(),
            StandardCharsets.UTF_8)).toList();
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("unparseable JSON")), reasons.toString());
        assertTrue(reasons.contains("missing required field 'status'"), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("'sourceIp' is not an IPv4 or IPv6 address")), reasons.toString());
        for (byte[] line : MALFORMED) {
            assertTrue(letters.stream().anyMatch(r -> java.util.Arrays.equals(r.value(), line)), "original bytes kept");
        }
    }

    @Test
    void shouldPublishValidLinesAsAvroAndPassInvalidOnesOnWhenReplayingAFile() throws Exception {
        // Given
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("replay-requests", 2, (short) 1),
                new org.apache.kafka.clients.admin.NewTopic("replay-json", 1, (short) 1))).all().get();
        }
        Path file = dir.resolve("recorded.jsonl");
        java.nio.file.Files.write(file, List.of(
            new String(Events.json(Events.get(T0, "203.0.113.1", "/a")), StandardCharsets.UTF_8),
            new String(Events.json(Events.get(T0 + 5, "203.0.113.2", "/b")), StandardCharsets.UTF_8),
            "{\"timestamp\": \"not a time\"}",
            new String(Events.json(Events.get(T0 + 9, "203.0.113.1", "/c")), StandardCharsets.UTF_8)));
        CommandLine cli = FloodwatchCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        // When
        int exit = cli.execute("replay", "--file", file.toString(), "--bootstrap-servers", broker.bootstrapServers(),
            "--topic", "replay-requests", "--json-topic", "replay-json");

        // Then
        assertEquals(0, exit, err.toString());
        AvroSerde<RequestEvent> serde = AvroSerde.of(RequestEvent.class);
        List<ConsumerRecord<byte[], byte[]>> avro = broker.readAll("replay-requests");
        assertEquals(3, avro.size());
        assertTrue(avro.stream().allMatch(r -> new String(r.key(), StandardCharsets.UTF_8)
            .equals(serde.deserialize("replay-requests", r.value()).getSourceIp())), "keyed by source IP");
        assertEquals(List.of("{\"timestamp\": \"not a time\"}"), broker.readAll("replay-json").stream()
            .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        assertTrue(err.toString().contains(":3: field 'timestamp'"), err.toString());
    }

    @Test
    void shouldPrintCommandsAsJsonLinesWhenTheCommandsSubcommandRuns() throws Exception {
        // Given
        await("a command to print").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> !broker.readAll("mitigations").isEmpty());
        ObjectMapper json = new ObjectMapper();
        StringWriter out = new StringWriter();
        List<JsonNode> lines = new ArrayList<>();
        int[] exit = new int[1];

        // When: the command line prints the commands (until the detector has issued the restriction: endpoint windows
        // are judged once the watermark reaches them)
        await("the restriction printed by 'commands --json'").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> {
                CommandLine cli = FloodwatchCli.commandLine();
                out.getBuffer().setLength(0);
                cli.setOut(new PrintWriter(out));
                exit[0] = cli.execute("commands", "--json", "--bootstrap-servers", broker.bootstrapServers());
                lines.clear();
                for (String line : out.toString().split("\n")) {
                    if (!line.isBlank()) {
                        lines.add(json.readTree(line));
                    }
                }
                return lines.stream().anyMatch(l -> l.get("action").asText().equals("RESTRICT_REGISTRATION"));
            });

        // Then
        assertEquals(0, exit[0]);
        assertTrue(lines.stream().anyMatch(l -> l.get("action").asText().equals("RESTRICT_REGISTRATION")
            && l.get("allowedRegions").get(0).asText().equals("CN")), out.toString());
    }

    @Test
    void shouldAnswerTheQueryApiAndExportMetricsWhenTheDetectorHasActed() throws Exception {
        // Given the traffic published in startDetectorAndPublish(), and the detector's HTTP surface
        String base = "http://127.0.0.1:" + detector.httpAddress().getPort();
        ObjectMapper json = new ObjectMapper();
        await("the scraper's block in the query API").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> http(base + "/api/v1/mitigations").body().contains(SCRAPER));
        await("the dead letters counted").atMost(Duration.ofSeconds(30))
            .until(() -> json.readTree(http(base + "/api/v1/dlq").body()).path("total").asLong() == MALFORMED.size());

        // When
        JsonNode mitigations = json.readTree(http(base + "/api/v1/mitigations").body());
        JsonNode endpoints = json.readTree(http(base + "/api/v1/endpoints").body());
        JsonNode dlq = json.readTree(http(base + "/api/v1/dlq").body());
        String metrics = http(base + "/metrics").body();
        HttpResponse<String> ready = http(base + "/healthz/ready");
        HttpResponse<String> unknown = http(base + "/api/v1/nothing");

        // Then
        JsonNode block = null;
        for (JsonNode command : mitigations.path("items")) {
            if (command.path("target").asText().equals(SCRAPER)) {
                block = command;
            }
        }
        assertTrue(block != null && !block.path("reason").asText().isEmpty() && block.path("evidence").size() > 0,
            "the command with its reason and evidence: " + block);
        JsonNode register = null;
        for (JsonNode endpoint : endpoints.path("items")) {
            if (endpoint.path("route").asText().equals(REGISTER)) {
                register = endpoint;
            }
        }
        assertTrue(register != null && register.path("windows").size() > 0, "recent windows of " + REGISTER + ": " + endpoints);
        assertTrue(register.path("windows").get(0).path("regions").size() > 0, "region mix");
        assertEquals(MALFORMED.size(), dlq.path("items").size());
        assertTrue(dlq.path("items").get(0).path("reason").asText().length() > 0);
        assertEquals(200, ready.statusCode());
        assertEquals(404, unknown.statusCode());
        for (String name : List.of("floodwatch_events_in_total", "floodwatch_commands_total{action=\"BLOCK\",mode=\"ENFORCE\"}",
            "floodwatch_dead_letters_total", "floodwatch_detection_latency_seconds_bucket", "floodwatch_endpoint_rates_out_total",
            "kafka_stream_thread_process_total", "jvm_memory_used_bytes")) {
            assertTrue(metrics.contains(name), "metric " + name + " exported");
        }
        for (String name : GrafanaDashboard.metrics()) {
            assertTrue(metrics.contains(name + "{") || metrics.contains(name + " "), "the Grafana dashboard's " + name + " is exported");
        }
    }

    private static HttpResponse<String> http(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

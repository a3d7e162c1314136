package io.floodwatch.detector.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.broker.GroupProgress;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.testing.Events;
import io.floodwatch.detector.mitigate.MitigationPlanner;
import io.floodwatch.testing.PrometheusText;
import io.floodwatch.testing.Quiescence;
import io.floodwatch.testing.TestBroker;
import io.floodwatch.producers.Pacer;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.producers.sim.LabelledEvent;
import io.floodwatch.producers.sim.ScenarioOptions;
import io.floodwatch.producers.sim.Scenarios;
import io.floodwatch.producers.sim.Simulation;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.target.RoutePaths;

/**
 * Event time that holds whatever the processing speed (issue 10), black-box against real detectors on a real KRaft
 * broker: the same traffic published as one backlog or paced gives the same commands; a detector that was down
 * during an attack mitigates it after catching up and drops nothing as late; data older than the allowed lateness is
 * counted as late, and on-time data around it is still counted.
 *
 * <p>Traffic comes from the simulator with event time in the recent past (within the topics' retention, so the
 * broker never deletes it under the detector). Each detector has its own application id, topics and data directory
 * ({@link FloodwatchConfig#isolated}); lateness settings are the defaults ({@code window.size.ms} 10 s,
 * {@code window.grace.ms} 60 s).
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class EventTimeIntegrationTest {

    private static final long MINUTE = 60_000;
    private static final long WINDOW_MS = 10_000;
    private static final long GRACE_MS = 60_000;
    private static final int PARTITIONS = 4;
    private static final double BASE_RATE = 150;
    private static final double ATTACK_RATE = 600;
    private static final String HTTP_FLOOD = "http-flood";
    private static final String REGISTRATION_FLOOD = "registration-flood";
    private static final String REGISTER = "POST /api/v1/auth/register";
    private static final String COMPLETIONS = "POST /api/v1/chat/completions";
    private static final String LATE_REQUESTS = "floodwatch_late_requests_total";
    private static final String WATERMARK = "floodwatch_watermark_seconds";
    private static final String LATE_RECORDS = "floodwatch_late_records_total";
    private static final String STREAMS_DROPPED = "kafka_stream_task_dropped_records_total";
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final AvroSerde<MitigationCommand> COMMANDS = AvroSerde.of(MitigationCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private final List<DetectorApp> detectors = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(dir);
    }

    @AfterEach
    void stopDetectors() {
        detectors.forEach(DetectorApp::close);
        detectors.clear();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldIssueTheSameCommandsAsPacedTrafficWhenHalfAnHourIsPublishedAsOneBacklog() throws Exception {
        // Given: 30 minutes of ordinary traffic with an HTTP flood of POST /api/v1/chat/completions from minute 25, and
        // the commands a detector issues for it paced at 20 times real speed (90 s), the reference. (An HTTP flood rather
        // than a registration flood: the simulated registration flood's addresses sit right at the per-source failure
        // ratio, 35% of 400s against 50%, so which of them a per-source rule blocks and lifts is a matter of where ticks
        // fall, not of event time.)
        long start = minutesAgo(31);
        ScenarioOptions traffic = attack(start, 30 * MINUTE, 25 * MINUTE, 5 * MINUTE);
        Run paced = run("paced-20x", HTTP_FLOOD, traffic, Format.AVRO, Pacer.realtime(20));

        // When: the same traffic, each time to a fresh detector, published as fast as possible: as Avro keyed by
        // source IP to the 4 partitions of requests (as gateways publish), and as JSON lines to requests-json (as
        // kcat publishes a recording)
        Run avro = run("backlog-avro", HTTP_FLOOD, traffic, Format.AVRO, Pacer.maxSpeed());
        Run json = run("backlog-json", HTTP_FLOOD, traffic, Format.JSON, Pacer.maxSpeed());

        // Then: the same commands (target, action, scope), each first detected within one window of the reference.
        // Commands are compared up to a horizon of the grace period and a window before the end of the traffic: after
        // it, what is decided depends on where the input stops, not on how fast it came.
        long horizon = traffic.end() - GRACE_MS - WINDOW_MS;
        assertAll(
            () -> assertTrue(paced.commands().stream().anyMatch(c -> actsOnAttack(c, COMPLETIONS, paced.attackers())),
                "the paced reference mitigates the flood (or the comparison proves nothing):\n" + paced.describe(start)),
            () -> assertSameCommands(paced, avro, start, horizon),
            () -> assertSameCommands(paced, json, start, horizon));
    }

    @Test
    void shouldMitigateTheAttackAndDropNothingAsLateWhenTheDetectorCatchesUpAfterFiveMinutesDown() throws Exception {
        // Given: a detector following live traffic (paced at 20x) for 6 minutes of event time
        long start = minutesAgo(14);
        ScenarioOptions options = attack(start, 13 * MINUTE, 7 * MINUTE, 3 * MINUTE);
        long stopAt = start + 6 * MINUTE;
        long restartAt = start + 11 * MINUTE;
        // A short session timeout, so that the restarted member does not wait out the old one's session; the shortest
        // idle time, so that a task which waits for its turn to read its backlog would, if its wait counted as silence,
        // close the others' windows on any machine, not only on a busy one.
        FloodwatchConfig config = config("downtime", Map.of("kafka.session.timeout.ms", 6_000,
            FloodwatchConfig.WATERMARK_IDLE_CONFIG, 100));
        Topics topics = Topics.from(config);
        Feed feed = new Feed(new Simulation(Scenarios.build(REGISTRATION_FLOOD, options)));
        DetectorApp first = start(config);
        PrometheusText beforeStop;
        PrometheusText afterCatchUp;
        try (Sink sink = Sink.avro(topics.requests().name())) {
            feed.publishUntil(stopAt, Pacer.realtime(20), sink);
            sink.flush();
            awaitDrained(first, config, topics, stopAt);
            beforeStop = PrometheusText.scrape(first.httpAddress());
            stop(first);

            // When: it is down for the next 5 minutes of traffic, which hold the whole attack, then restarts on the same
            // data directory, catches up, and follows live traffic again for 2 minutes
            feed.publishUntil(restartAt, Pacer.maxSpeed(), sink);
            sink.flush();
            DetectorApp second = start(config);
            feed.publishUntil(Long.MAX_VALUE, Pacer.realtime(20), sink);
            sink.flush();
            awaitDrained(second, config, topics, options.end());
            afterCatchUp = PrometheusText.scrape(second.httpAddress());
        }

        // Then: the attack is mitigated, nothing is counted late, and every request is in the endpoint rates of the
        // windows the traffic has closed
        List<MitigationCommand> commands = commands(topics);
        long cutoff = closedBefore(options.end());
        Map<String, Map<Long, Long>> rates = endpointRates(topics, cutoff);
        assertAll(
            () -> assertTrue(commands.stream().anyMatch(c -> actsOnAttack(c, REGISTER, feed.attackers())
                    && c.getDetectedAt() >= options.attackStart() && c.getDetectedAt() < options.attackEnd()),
                "an enforced command against the flood (" + seconds(options.attackStart() - start) + " to "
                    + seconds(options.attackEnd() - start) + ", while the detector was down), detected during it:\n"
                    + describe(commands, start)),
            () -> assertNothingLate(beforeStop, "before the stop"),
            () -> assertNothingLate(afterCatchUp, "after the restart and catch-up"),
            () -> assertSameCounts(feed.counts(cutoff), rates, start));
    }

    @Test
    void shouldCountLateRequestsAndStillCountOnTimeOnesWhenRecordsArriveOlderThanTheGracePeriod() throws Exception {
        // Given: a detector that has processed 2 minutes of on-time traffic from 400 addresses, up to T
        long begin = minutesAgo(6);
        long t = begin + 2 * MINUTE;
        FloodwatchConfig config = config("late", Map.of());
        Topics topics = Topics.from(config);
        DetectorApp detector = start(config);
        Feed onTime = Feed.of(browsing(begin, t));
        int lateCount = 300;
        List<RequestEvent> late = new ArrayList<>();
        for (int i = 0; i < lateCount; i++) {
            late.add(Events.event(t - 10 * MINUTE + i * 200L, address(i), "GET", "/api/v1/late-audit", 200, "CN"));
        }
        PrometheusText before;
        try (Sink sink = Sink.avro(topics.requests().name())) {
            onTime.publishUntil(t, Pacer.realtime(10), sink);
            sink.flush();
            awaitDrained(detector, config, topics, t);
            before = PrometheusText.scrape(detector.httpAddress());

            // When: 300 requests from 10 minutes before T, from the same addresses (so into the same partitions), then
            // on-time traffic again from T + 1 min
            late.forEach(sink::send);
            sink.flush();
            Feed more = Feed.of(browsing(t + MINUTE, t + MINUTE + 90_000));
            more.publishUntil(Long.MAX_VALUE, Pacer.realtime(10), sink);
            sink.flush();
            awaitDrained(detector, config, topics, t + MINUTE + 90_000);
            onTime.merge(more);
        }

        // Then: none of the late requests reaches the endpoint rates, every on-time request is counted, and the late
        // requests are counted as late in one stage at least (waited for a little, in case a counter is updated
        // periodically rather than as records are dropped)
        long cutoff = closedBefore(t + MINUTE + 90_000);
        Map<String, Map<Long, Long>> rates = endpointRates(topics, cutoff);
        assertAll(
            () -> assertEquals(Map.of(), rates.getOrDefault("GET /api/v1/late-audit", Map.of()),
                "no endpoint rate counts the late requests"),
            () -> assertSameCounts(onTime.counts(cutoff), rates, begin),
            () -> await("the late requests counted in " + LATE_REQUESTS).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertLateCounted(before, PrometheusText.scrape(detector.httpAddress()), lateCount)));
    }

    /** The late counter's largest rise across its stages is at least {@code expected}. */
    private static void assertLateCounted(PrometheusText before, PrometheusText after, int expected) {
        Map<String, Double> was = before.sumBy(LATE_REQUESTS, "stage");
        double risen = after.sumBy(LATE_REQUESTS, "stage").entrySet().stream()
            .mapToDouble(e -> e.getValue() - was.getOrDefault(e.getKey(), 0.0)).max().orElse(0);
        assertTrue(risen >= expected, LATE_REQUESTS + " rose by " + risen + " in its most counting stage, expected at least "
            + expected + "; before:" + before.show(LATE_REQUESTS, LATE_RECORDS) + "\nafter:"
            + after.show(LATE_REQUESTS, LATE_RECORDS, STREAMS_DROPPED) + "\nmetrics named *dropped*: "
            + after.namesContaining("dropped") + ", *_late_*: " + after.namesContaining("_late_"));
    }

    // --- runs ---------------------------------------------------------------------------------------------------

    private enum Format { AVRO, JSON }

    /** What one detector issued for one publication of a traffic, and how far its topics reached. */
    private record Run(String name, List<MitigationCommand> commands, Set<String> attackers, Map<String, Long> topicRecords) {
        String describe(long start) {
            return name + " (" + commands.size() + " commands; end offsets per topic, transaction markers included, "
                + topicRecords + "):\n"
                + EventTimeIntegrationTest.describe(commands, start);
        }
    }

    /** Publishes the whole traffic to a fresh detector, waits until it has processed it, and reads its commands. */
    private Run run(String name, String scenario, ScenarioOptions traffic, Format format, Pacer pacer) throws Exception {
        FloodwatchConfig config = config(name, Map.of());
        Topics topics = Topics.from(config);
        DetectorApp detector = start(config);
        Feed feed = new Feed(new Simulation(Scenarios.build(scenario, traffic)));
        try (Sink sink = format == Format.AVRO ? Sink.avro(topics.requests().name()) : Sink.json(topics.requestsJson().name())) {
            feed.publishUntil(Long.MAX_VALUE, pacer, sink);
        }
        awaitDrained(detector, config, topics, traffic.end());
        List<MitigationCommand> commands = commands(topics);
        stop(detector);
        return new Run(name, commands, feed.attackers(), records(topics));
    }

    private FloodwatchConfig config(String name, Map<String, Object> extra) {
        Map<String, Object> settings = broker.detectorSettings(dir);
        settings.put(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG, PARTITIONS);
        settings.putAll(extra);
        return FloodwatchConfig.isolated(name, broker.bootstrapServers(), dir, settings);
    }

    /** Starts a detector and waits until it runs, so that paced traffic is followed live from its first event. */
    private DetectorApp start(FloodwatchConfig config) throws InterruptedException {
        DetectorApp detector = DetectorApp.start(config, new PrintStream(OutputStream.nullOutputStream()));
        detectors.add(detector);
        await(config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG) + " running").atMost(Duration.ofMinutes(2))
            .until(() -> detector.streams().state() == KafkaStreams.State.RUNNING);
        return detector;
    }

    private void stop(DetectorApp detector) {
        detectors.remove(detector);
        detector.close();
    }

    /**
     * Waits until the detector's planner has seen event time reach {@code eventTimeEnd} (its watermark, which closes
     * windows and judges the windows a backlog left ahead of it) and everything published has been processed.
     */
    private static void awaitDrained(DetectorApp detector, FloodwatchConfig config, Topics topics, long eventTimeEnd) {
        await(config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG) + " watermark at the end of the traffic")
            .atMost(DRAIN_TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
            .until(() -> PrometheusText.scrape(detector.httpAddress()).sumBy(WATERMARK, "stage")
                .getOrDefault(MitigationPlanner.STAGE, 0.0) * 1000 >= eventTimeEnd);
        Quiescence.await(broker, config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG),
            List.of(topics.requests().name(), topics.requestsJson().name()),
            List.of(topics.mitigations().name(), topics.endpointRates().name(), topics.anomalies().name()), DRAIN_TIMEOUT);
    }

    // --- traffic ------------------------------------------------------------------------------------------------

    /**
     * A scenario's attack on top of ordinary users, from 2,000 addresses in 40 /24 prefixes.
     */
    private static ScenarioOptions attack(long start, long durationMs, long attackStartMs, long attackDurationMs) {
        ScenarioOptions defaults = ScenarioOptions.defaults(start);
        return new ScenarioOptions(10, start, durationMs, BASE_RATE, ATTACK_RATE, attackStartMs, attackDurationMs, 2000, 40,
            defaults.attackRegions(), defaults.crowdRegions(), defaults.capacityPerSecond());
    }

    /** 40 requests a second from 400 addresses over two routes, evenly spread. */
    private static List<RequestEvent> browsing(long from, long to) {
        List<RequestEvent> events = new ArrayList<>();
        int n = 0;
        for (long ts = from; ts < to; ts += 25) {
            String path = n % 2 == 0 ? "/api/v1/models" : "/api/v1/conversations/" + (n % 97);
            events.add(Events.event(ts, address(n % 400), "GET", path, 200, "CN"));
            n++;
        }
        return events;
    }

    private static String address(int i) {
        return "10.20." + (i / 250) + "." + (i % 250 + 1);
    }

    /** Event time {@code minutes} ago on a minute boundary: in the past, well inside the topics' retention. */
    private static long minutesAgo(int minutes) {
        long now = System.currentTimeMillis();
        return now - now % MINUTE - minutes * MINUTE;
    }

    /**
     * Start of the first window that the traffic ending at {@code end} may leave open: those before it are closed by
     * event time (a window and the grace period passed) whatever the detector's design.
     */
    private static long closedBefore(long end) {
        long cutoff = end - GRACE_MS - 2 * WINDOW_MS;
        return cutoff - Math.floorMod(cutoff, WINDOW_MS);
    }

    /** Events published in order, paced or not, with the counts per route and window of what was published. */
    private static final class Feed {
        private final Iterator<LabelledEvent> events;
        private final Map<String, Map<Long, Long>> counts = new TreeMap<>();
        private final Set<String> attackers = new HashSet<>();
        private LabelledEvent pending;

        Feed(Iterator<LabelledEvent> events) {
            this.events = events;
        }

        /** A feed of hand-made events, none of them an attack. */
        static Feed of(List<RequestEvent> events) {
            return new Feed(events.stream().map(e -> new LabelledEvent(e, "users", false)).iterator());
        }

        /** Publishes every event before {@code until} (event time), released by {@code pacer}. */
        void publishUntil(long until, Pacer pacer, Sink sink) throws InterruptedException {
            while (pending != null || events.hasNext()) {
                LabelledEvent next = pending != null ? pending : events.next();
                pending = null;
                long ts = next.event().getTimestamp();
                if (ts >= until) {
                    pending = next;
                    return;
                }
                pacer.await(ts);
                sink.send(next.event());
                counts.computeIfAbsent(RoutePaths.route(next.event().getMethod(), next.event().getPath()), r -> new TreeMap<>())
                    .merge(ts - Math.floorMod(ts, WINDOW_MS), 1L, Long::sum);
                if (next.attack()) {
                    attackers.add(next.event().getSourceIp());
                }
            }
        }

        /** Adds what another feed published to this one's counts. */
        void merge(Feed other) {
            other.counts.forEach((route, windows) -> windows.forEach((window, n) ->
                counts.computeIfAbsent(route, r -> new TreeMap<>()).merge(window, n, Long::sum)));
        }

        /** Published requests per route and window, for windows starting before {@code cutoff}. */
        Map<String, Map<Long, Long>> counts(long cutoff) {
            return window(counts, cutoff);
        }

        Set<String> attackers() {
            return Set.copyOf(attackers);
        }
    }

    /** Where events go: Avro keyed by source IP as gateways publish them, or JSON lines as kcat publishes a file. */
    private record Sink(Consumer<RequestEvent> sender, Runnable flusher, Runnable closer) implements AutoCloseable {

        static Sink avro(String topic) {
            RequestPublisher publisher = RequestPublisher.create(broker.bootstrapServers(), topic, Map.of());
            return new Sink(publisher::publish, publisher::flush, publisher::close);
        }

        static Sink json(String topic) {
            Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            return new Sink(event -> producer.send(new ProducerRecord<>(topic, null, Events.json(event))), producer::flush,
                producer::close);
        }

        void send(RequestEvent event) {
            sender.accept(event);
        }

        /** Waits until everything sent is acknowledged. */
        void flush() {
            flusher.run();
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    // --- results ------------------------------------------------------------------------------------------------

    /** End offsets per external topic (transaction markers included), for failure messages. */
    private static Map<String, Long> records(Topics topics) throws Exception {
        Map<String, Long> records = new java.util.LinkedHashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            for (String topic : List.of(topics.requestsJson().name(), topics.requests().name(), topics.deadLetters().name(),
                topics.endpointRates().name(), topics.anomalies().name(), topics.mitigations().name())) {
                records.put(topic, GroupProgress.endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum());
            }
        }
        return records;
    }

    private static List<MitigationCommand> commands(Topics topics) {
        String topic = topics.mitigations().name();
        return broker.readAll(topic).stream().map(r -> COMMANDS.deserialize(topic, r.value()))
            .sorted(java.util.Comparator.comparingLong(MitigationCommand::getDetectedAt)).toList();
    }

    /**
     * The requests of each route and window on {@code endpoint-rates}, for windows starting before {@code cutoff}.
     * A window is updated as its ticks arrive, so its count is the largest value published for it.
     */
    private static Map<String, Map<Long, Long>> endpointRates(Topics topics, long cutoff) {
        Map<String, Map<Long, Long>> rates = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.readAll(topics.endpointRates().name())) {
            JsonNode rate = json(record.value());
            rates.computeIfAbsent(rate.get("route").asText(), r -> new TreeMap<>())
                .merge(rate.get("windowStart").asLong(), rate.get("requests").asLong(), Math::max);
        }
        return window(rates, cutoff);
    }

    private static Map<String, Map<Long, Long>> window(Map<String, Map<Long, Long>> counts, long cutoff) {
        Map<String, Map<Long, Long>> kept = new TreeMap<>();
        counts.forEach((route, windows) -> {
            Map<Long, Long> before = new TreeMap<>(((TreeMap<Long, Long>) windows).headMap(cutoff));
            if (!before.isEmpty()) {
                kept.put(route, before);
            }
        });
        return kept;
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a command enforces something against a flood: its endpoint, or its addresses or /24 prefixes. */
    private static boolean actsOnAttack(MitigationCommand command, String route, Set<String> attackers) {
        if (command.getAction() == MitigationAction.LIFT || command.getMode() != MitigationMode.ENFORCE) {
            return false;
        }
        String target = command.getTarget();
        return target.equals(route) || attackers.contains(target)
            || attackers.stream().anyMatch(ip -> target.equals(ip.substring(0, ip.lastIndexOf('.')) + ".0/24"));
    }

    // --- assertions ---------------------------------------------------------------------------------------------

    private record CommandKey(String target, MitigationAction action, MitigationScope scope) {
    }

    private static void assertSameCommands(Run reference, Run run, long start, long horizon) {
        Map<CommandKey, Long> expected = firstDetected(reference.commands(), horizon);
        Map<CommandKey, Long> actual = firstDetected(run.commands(), horizon);
        List<String> differences = new ArrayList<>();
        expected.forEach((key, detectedAt) -> {
            Long other = actual.get(key);
            if (other == null) {
                differences.add("missing " + key + " (reference detected it at " + seconds(detectedAt - start) + ")");
            } else if (Math.abs(other - detectedAt) > WINDOW_MS) {
                differences.add(key + " detected at " + seconds(other - start) + ", reference at " + seconds(detectedAt - start));
            }
        });
        actual.keySet().stream().filter(key -> !expected.containsKey(key))
            .forEach(key -> differences.add("extra " + key + " at " + seconds(actual.get(key) - start)));
        if (!differences.isEmpty()) {
            fail(run.name() + " issued other commands than " + reference.name() + " (up to " + seconds(horizon - start) + "): "
                + differences.size() + " differences\n  " + String.join("\n  ", differences) + "\n" + reference.describe(start)
                + run.describe(start));
        }
    }

    private static Map<CommandKey, Long> firstDetected(List<MitigationCommand> commands, long horizon) {
        Map<CommandKey, Long> first = new TreeMap<>(java.util.Comparator.comparing(CommandKey::toString));
        for (MitigationCommand c : commands) {
            if (c.getDetectedAt() <= horizon) {
                first.merge(new CommandKey(c.getTarget(), c.getAction(), c.getScope()), c.getDetectedAt(), Math::min);
            }
        }
        return first;
    }

    private static void assertNothingLate(PrometheusText scrape, String when) {
        assertEquals(0.0, scrape.sum(LATE_REQUESTS) + scrape.sum(LATE_RECORDS),
            "nothing counted late " + when + ":" + scrape.show(LATE_REQUESTS, LATE_RECORDS, STREAMS_DROPPED));
    }

    /** Per route, the requests summed over the windows; on a difference, the windows that differ. */
    private static void assertSameCounts(Map<String, Map<Long, Long>> published, Map<String, Map<Long, Long>> rates, long start) {
        Map<String, Long> expected = totals(published);
        Map<String, Long> actual = totals(rates);
        if (expected.equals(actual)) {
            return;
        }
        List<String> windows = new ArrayList<>();
        Set<String> routes = new HashSet<>(published.keySet());
        routes.addAll(rates.keySet());
        for (String route : routes.stream().sorted().toList()) {
            Map<Long, Long> in = published.getOrDefault(route, Map.of());
            Map<Long, Long> out = rates.getOrDefault(route, Map.of());
            Set<Long> all = new java.util.TreeSet<>(in.keySet());
            all.addAll(out.keySet());
            for (long window : all) {
                long a = in.getOrDefault(window, 0L);
                long b = out.getOrDefault(window, 0L);
                if (a != b) {
                    windows.add(route + " @" + seconds(window - start) + ": published " + a + ", endpoint-rates " + b);
                }
            }
        }
        long missing = expected.values().stream().mapToLong(Long::longValue).sum()
            - actual.values().stream().mapToLong(Long::longValue).sum();
        fail("endpoint-rates do not count every published request (" + missing + " fewer in all; " + windows.size()
            + " windows differ)\n  published per route: " + expected + "\n  endpoint-rates per route: " + actual
            + "\n  first differing windows:\n    " + windows.stream().limit(30).collect(Collectors.joining("\n    ")));
    }

    private static Map<String, Long> totals(Map<String, Map<Long, Long>> counts) {
        Map<String, Long> totals = new TreeMap<>();
        counts.forEach((route, windows) -> totals.put(route, windows.values().stream().mapToLong(Long::longValue).sum()));
        return totals;
    }

    private static String describe(List<MitigationCommand> commands, long start) {
        return commands.stream().map(c -> "  " + seconds(c.getDetectedAt() - start) + " " + c.getAction() + " " + c.getScope()
                + " " + c.getTarget() + " " + c.getMode() + " " + c.getRule()
                + (c.getAllowedRegions() == null || c.getAllowedRegions().isEmpty() ? "" : " " + c.getAllowedRegions()))
            .collect(Collectors.joining("\n")) + "\n";
    }

    /** Event time as minutes and seconds from the start of a traffic, {@code 25:04.2}. */
    private static String seconds(long offsetMs) {
        long tenths = Math.round(offsetMs / 100.0);
        return String.format("%02d:%02d.%d", Math.floorDiv(tenths, 600), Math.floorMod(tenths, 600) / 10, Math.floorMod(tenths, 10));
    }
}

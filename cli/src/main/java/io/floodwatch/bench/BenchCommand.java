package io.floodwatch.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import io.floodwatch.detector.app.Directories;
import io.floodwatch.detector.app.TopicProvisioner;
import io.floodwatch.cli.CliException;
import io.floodwatch.cli.DurationConverter;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.evaluate.TrafficSource;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.producers.sim.ScenarioOptions;
import io.floodwatch.producers.sim.Scenarios;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code floodwatch bench}: the detector's sustained throughput on this machine against a real broker, side by
 * side in one run with the ceiling (a plain consumer that only reads and decodes the same events), their
 * ratio, and the heap and state kept per distinct source; then the catch-up figure, a fresh detector draining a
 * backlog of simulated traffic with an attack, and whether the attack got its command. A figure, not a test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure the detector's throughput against the read-and-decode ceiling on this machine, and how fast it"
        + " catches up on a backlog with an attack.")
public final class BenchCommand implements Callable<Integer> {

    /** The scenario's rates in the backlog: those {@code evaluate} uses by default. */
    private static final double BACKLOG_USERS_PER_SECOND = 200;
    private static final double BACKLOG_ATTACK_PER_SECOND = 2000;

    @Option(names = "--events", defaultValue = "2000000", description = "Events to pre-load (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--sources", defaultValue = "1000000", description = "Distinct source IPs (default ${DEFAULT-VALUE}).")
    int sources;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the requests topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "2", description = "Detector stream threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--bootstrap-servers", description = "Use these brokers instead of a broker started in a child JVM.")
    String bootstrapServers;

    @Option(names = "--dir", defaultValue = "floodwatch-bench", description = "Working directory (default ${DEFAULT-VALUE}); emptied first.")
    Path dir;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Detector setting, e.g. -D commit.interval.ms=1000.")
    Map<String, String> settings = new HashMap<>();

    @Option(names = "--attack", description = "Every source attacks (scripted credential stuffing, 90%% failing) instead of ordinary mixed traffic.")
    boolean attack;

    @Option(names = "--cardinality", paramLabel = "KIND", split = ",",
        description = "After the main run, one run per KIND with that dimension fresh on every event, reporting the heap and"
            + " state kept: paths, ipv6, agents (user agents and accounts), regions (default: none).")
    List<BenchTraffic.Cardinality> cardinality = new ArrayList<>();

    @Option(names = "--profile", description = "Record the detector phase with Java Flight Recorder and print its hottest methods.")
    boolean profile;

    @Option(names = "--catch-up", paramLabel = "SCENARIO", defaultValue = "registration-flood",
        description = "Scenario of the catch-up backlog, drained by a second detector after the live phase (default ${DEFAULT-VALUE}); none to skip.")
    String catchUp;

    @Option(names = "--catch-up-duration", defaultValue = "10m", converter = DurationConverter.class,
        description = "Event time of the catch-up backlog (default ${DEFAULT-VALUE}); the attack runs from 40%% to 80%% of it.")
    Duration catchUpDuration;

    @Option(names = "--catch-up-background", defaultValue = "3000",
        description = "Events/s of ordinary traffic mixed into the backlog (default ${DEFAULT-VALUE}); the scenario itself runs at evaluate's default rates.")
    long catchUpBackground;

    @Option(names = "--stall-timeout", defaultValue = "2m", converter = DurationConverter.class,
        description = "Fail if a reader's offsets do not advance for this long (default ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean withCatchUp = !"none".equals(catchUp);
        if (withCatchUp && !Scenarios.names().contains(catchUp)) {
            throw new CliException("unknown --catch-up scenario '" + catchUp + "'; known: " + String.join(", ", Scenarios.names())
                + ", or none");
        }
        Path work = dir.toAbsolutePath();
        Directories.deleteRecursively(work);
        Files.createDirectories(work);
        BrokerProcess broker = bootstrapServers == null ? BrokerProcess.start(work.resolve("broker")) : null;
        try {
            String bootstrap = broker != null ? broker.bootstrapServers() : bootstrapServers;
            long stamp = System.currentTimeMillis();
            FloodwatchConfig config = config("floodwatch-bench-" + stamp, bootstrap, work);
            createTopics(config, bootstrap);
            out.printf(Locale.ROOT, "Broker %s%s; loading %,d %s events from %,d distinct sources into %d partitions...%n",
                bootstrap, broker != null ? " (child JVM)" : "", events, attack ? "attacking" : "ordinary", sources, partitions);
            out.flush();
            preload(bootstrap, config.getString(FloodwatchConfig.TOPIC_REQUESTS_CONFIG), new BenchTraffic(sources, 10_000, 42, attack));

            DecodeCeiling.Result ceiling = DecodeCeiling.measure(bootstrap, config.getString(FloodwatchConfig.TOPIC_REQUESTS_CONFIG),
                events, stallTimeout);
            out.printf(Locale.ROOT, "ceiling   plain consumer + Avro decode, 1 thread: %,10.0f events/s  (%.2f µs CPU/event)%n",
                ceiling.eventsPerSecond(), ceiling.cpuSeconds() * 1e6 / ceiling.events());
            out.flush();

            ExecutionProfile recording = profile ? ExecutionProfile.start() : null;
            DetectorThroughput.Result detector = DetectorThroughput.measure(config, bootstrap, events, stallTimeout, Duration.ZERO,
                Long.MIN_VALUE);
            List<String> hottest = List.of();
            Path jfr = work.resolve("detector.jfr");
            if (recording != null) {
                hottest = recording.stop(jfr, 15);
                recording.close();
            }
            out.printf(Locale.ROOT, "detector  full topology, exactly_once_v2, %d threads: %,10.0f events/s  (%.2f µs CPU/event, process)%n",
                threads, detector.eventsPerSecond(), detector.cpuSeconds() * 1e6 / detector.events());
            out.printf(Locale.ROOT, "ratio     detector / ceiling: %.2f (target 0.40; the naive per-source windowed count reaches ~0.07)%n",
                detector.eventsPerSecond() / ceiling.eventsPerSecond());
            out.printf(Locale.ROOT, "memory    heap kept by the running detector: %,d bytes (%.1f bytes per distinct source);"
                + " JVM heap limit %,d MB%n", detector.heapBytes(), (double) detector.heapBytes() / sources,
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
            out.printf(Locale.ROOT, "state     local state directory: %,d bytes (%.1f bytes per distinct source)%n",
                detector.stateBytes(), (double) detector.stateBytes() / sources);
            out.flush();

            if (withCatchUp) {
                FloodwatchConfig backlog = config("floodwatch-bench-catch-up-" + stamp, bootstrap, work);
                createTopics(backlog, bootstrap);
                out.printf(Locale.ROOT, "catch-up  publishing a %d-minute backlog of %s in %,d events/s of background traffic,"
                    + " then a fresh detector drains it from the beginning...%n", catchUpDuration.toMinutes(), catchUp, catchUpBackground);
                out.flush();
                long end = System.currentTimeMillis();
                long start = end - catchUpDuration.toMillis();
                ScenarioOptions options = ScenarioOptions.scaled(42, start, catchUpDuration.toMillis(), BACKLOG_USERS_PER_SECOND,
                    BACKLOG_ATTACK_PER_SECOND);
                TrafficSource traffic = CatchUp.withBackground(TrafficSource.scenario(catchUp, options), start, end, catchUpBackground, sources);
                CatchUp.Result result = CatchUp.measure(catchUp, catchUpDuration, catchUpBackground, traffic, backlog, bootstrap,
                    stallTimeout);
                out.println(result.line(ceiling.eventsPerSecond()));
            }
            for (BenchTraffic.Cardinality kind : cardinality) {
                FloodwatchConfig fresh = config("floodwatch-bench-" + kind.name().toLowerCase(Locale.ROOT) + "-" + stamp, bootstrap, work);
                createTopics(fresh, bootstrap);
                preload(bootstrap, fresh.getString(FloodwatchConfig.TOPIC_REQUESTS_CONFIG), new BenchTraffic(sources, 10_000, 42, kind));
                DetectorThroughput.Result run = DetectorThroughput.measure(fresh, bootstrap, events, stallTimeout, Duration.ZERO,
                    Long.MIN_VALUE);
                out.printf(Locale.ROOT, "cardinality %-8s %s: %,10.0f events/s; heap kept %,d bytes (%.2fx ordinary traffic),"
                    + " state %,d bytes (%.2fx)%n", kind.name().toLowerCase(Locale.ROOT), kind.description(), run.eventsPerSecond(),
                    run.heapBytes(), (double) run.heapBytes() / Math.max(1, detector.heapBytes()), run.stateBytes(),
                    (double) run.stateBytes() / Math.max(1, detector.stateBytes()));
                out.flush();
            }
            if (recording != null) {
                out.println("profile   hottest methods of the live detector phase (share of execution samples, top frame), recording in "
                    + jfr + ":");
                hottest.forEach(line -> out.println("          " + line));
            }
            out.flush();
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private FloodwatchConfig config(String prefix, String bootstrap, Path work) {
        Map<String, Object> values = new HashMap<>(settings);
        values.put(FloodwatchConfig.STREAM_THREADS_CONFIG, threads);
        values.put(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG, partitions);
        return FloodwatchConfig.isolated(prefix, bootstrap, work.resolve("detector"), values);
    }

    /**
     * The detector's topics as TopicProvisioner defines them, the requests topic with the broker's append time as
     * record timestamp: the bench's events are dated 2025, older than any retention, and with their event time as
     * record timestamp the broker's first retention check deletes them while the detector reads them.
     */
    private static void createTopics(FloodwatchConfig config, String bootstrap) throws Exception {
        String requests = config.getString(FloodwatchConfig.TOPIC_REQUESTS_CONFIG);
        List<NewTopic> topics = TopicProvisioner.definitions(config, Topics.from(config)).stream()
            .map(topic -> topic.name().equals(requests) ? withAppendTime(topic) : topic).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicProvisioner.create(admin, topics, 30_000);
        }
    }

    private static NewTopic withAppendTime(NewTopic topic) {
        Map<String, String> configs = new HashMap<>(topic.configs() == null ? Map.of() : topic.configs());
        configs.putIfAbsent(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        return new NewTopic(topic.name(), topic.numPartitions(), topic.replicationFactor()).configs(configs);
    }

    private void preload(String bootstrap, String topic, BenchTraffic traffic) {
        try (RequestPublisher publisher = RequestPublisher.create(bootstrap, topic, Map.of())) {
            for (long i = 0; i < events; i++) {
                publisher.publish(traffic.event(i));
            }
            publisher.flush();
        }
    }
}

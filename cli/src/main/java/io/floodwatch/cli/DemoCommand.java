package io.floodwatch.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.detector.app.Directories;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.producers.Pacer;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.producers.sim.ScenarioOptions;
import io.floodwatch.producers.sim.Scenarios;
import io.floodwatch.producers.sim.Simulation;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.text.LogText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code floodwatch demo}: the embedded broker, the detector and a DeepSeek-like day of simulated traffic, with a
 * live terminal view of the busiest endpoints and of the commands as they are issued.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Embedded broker + detector + the deepseek-day scenario, with a live view of rates and commands.")
final class DemoCommand implements Callable<Integer> {

    private static final int ROUTES_SHOWN = 8;
    private static final int COMMANDS_SHOWN = 10;
    private static final int LOG_LINES_SHOWN = 5;
    private static final String CURSOR_HOME = "\033[H";
    private static final String CLEAR_TO_END_OF_LINE = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";

    @Option(names = "--scenario", defaultValue = "deepseek-day", description = "Scenario to play (default ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
        description = "Event time to simulate (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Mixin
    SpeedOption speed;

    @Option(names = "--data-dir", defaultValue = "floodwatch-demo", description = "Demo data, emptied first (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    private final ObjectMapper json = new ObjectMapper();
    private String where = "";

    @Override
    public Integer call() throws Exception {
        Pacer pacer = speed.pacer();
        Directories.deleteRecursively(dataDir.toAbsolutePath());
        FloodwatchConfig config = new FloodwatchConfig(Map.of(FloodwatchConfig.DATA_DIR_CONFIG, dataDir.toAbsolutePath().toString()));
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        String logs = "Logs: " + LogFile.under(dataDir);
        spec.commandLine().getOut().println(logs);
        Detector detector = Detector.start(config, quiet);
        DetectorApp app = detector.app();
        where = logs;
        if (app.httpAddress() != null) {
            String dashboard = "Dashboard: http://" + app.httpAddress().getHostString() + ":" + app.httpAddress().getPort()
                + "/ (metrics at /metrics)";
            spec.commandLine().getOut().println(dashboard);
            spec.commandLine().getOut().flush();
            where = dashboard + "   " + logs;
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread shutdown = new Thread(() -> {
            stop.set(true);
            detector.close();
        }, "floodwatch-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        long start = speed.realtime() ? System.currentTimeMillis() : System.currentTimeMillis() - duration.toMillis();
        ScenarioOptions defaults = ScenarioOptions.defaults(start);
        ScenarioOptions options = ScenarioOptions.scaled(seed, start, duration.toMillis(), defaults.baseRate(), defaults.attackRate());
        Simulation simulation;
        try {
            simulation = new Simulation(Scenarios.build(scenario, options));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        AtomicLong published = new AtomicLong();
        AtomicLong eventTime = new AtomicLong(start);
        Thread traffic = new Thread(() -> {
            try (RequestPublisher publisher = RequestPublisher.create(app.bootstrapServers(), "requests", Map.of())) {
                while (simulation.hasNext() && !stop.get()) {
                    var labelled = simulation.next();
                    pacer.await(labelled.event().getTimestamp());
                    publisher.publish(labelled.event());
                    published.incrementAndGet();
                    eventTime.set(labelled.event().getTimestamp());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "floodwatch-demo-traffic");
        traffic.setDaemon(true);
        traffic.start();
        view(app.bootstrapServers(), stop, traffic, published, eventTime);
        Runtime.getRuntime().removeShutdownHook(shutdown);
        detector.close();
        return 0;
    }

    private void view(String bootstrap, AtomicBoolean stop, Thread traffic, AtomicLong published, AtomicLong eventTime) {
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = System.console() != null;
        int columns = terminal ? TerminalSize.columns() : Integer.MAX_VALUE;
        if (terminal) {
            out.print(CURSOR_HOME + CLEAR_BELOW);
        }
        Map<String, JsonNode> latestRates = new HashMap<>();
        Deque<String> commands = new ArrayDeque<>();
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (TerminalLog log = terminal ? TerminalLog.hold(LOG_LINES_SHOWN) : null;
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<String> noLog = List.of();
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of("endpoint-rates", "mitigations")) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastDraw = 0;
            long quietSince = -1;
            while (!stop.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(250));
                if (!records.isEmpty()) {
                    quietSince = -1;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.topic().equals("mitigations")) {
                        commands.addFirst(CommandsCommand.human(serde.deserialize(record.topic(), record.value())));
                        while (commands.size() > COMMANDS_SHOWN) {
                            commands.removeLast();
                        }
                    } else {
                        remember(latestRates, record.value());
                    }
                }
                long now = System.currentTimeMillis();
                if (now - lastDraw >= (terminal ? 1000 : 5000)) {
                    draw(out, columns, latestRates, commands, log == null ? noLog : log.lines(), published.get(), eventTime.get());
                    lastDraw = now;
                }
                // Done once the traffic has all been published and the detector has had nothing new to say for a while:
                // at full speed it is still catching up when the last event is sent.
                if (!traffic.isAlive() && records.isEmpty()) {
                    quietSince = quietSince < 0 ? now : quietSince;
                    if (now - quietSince > 5000) {
                        break;
                    }
                }
            }
            draw(out, columns, latestRates, commands, log == null ? noLog : log.lines(), published.get(), eventTime.get());
        }
    }

    private void remember(Map<String, JsonNode> latest, byte[] value) {
        try {
            JsonNode rate = json.readTree(value);
            String route = rate.path("route").asText();
            JsonNode previous = latest.get(route);
            if (previous == null || rate.path("windowStart").asLong() >= previous.path("windowStart").asLong()) {
                latest.put(route, rate);
            }
        } catch (java.io.IOException e) {
            // a record that is not JSON is not ours to show
        }
    }

    /**
     * Draws the live view. On a terminal it redraws in place: the cursor goes home, each line clears what was left of
     * the previous frame, and what is below the new frame is cleared; elsewhere each frame is printed as plain lines.
     * Routes and commands quote attacker-shaped text, so they are bounded and stripped of control characters.
     */
    private void draw(PrintWriter out, int columns, Map<String, JsonNode> rates, Deque<String> commands, List<String> log,
                      long published, long eventTime) {
        boolean terminal = columns != Integer.MAX_VALUE;
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Floodwatch demo: %s   event time %s   events published %,d", scenario,
            Instant.ofEpochMilli(eventTime), published));
        lines.add(where);
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%-44s %9s %6s %6s %9s  %s", "endpoint (latest window)", "req/s", "4xx", "5xx",
            "sources", "regions"));
        List<JsonNode> busiest = new ArrayList<>(rates.values());
        busiest.sort(Comparator.comparingLong((JsonNode r) -> r.path("windowStart").asLong()).reversed()
            .thenComparing(Comparator.comparingLong((JsonNode r) -> r.path("requests").asLong()).reversed()));
        long newest = busiest.isEmpty() ? 0 : busiest.get(0).path("windowStart").asLong();
        busiest.stream().filter(r -> r.path("windowStart").asLong() == newest).limit(ROUTES_SHOWN).forEach(r -> {
            long requests = r.path("requests").asLong();
            double seconds = (r.path("windowEnd").asLong() - r.path("windowStart").asLong()) / 1000.0;
            lines.add(String.format(Locale.ROOT, "%-44.44s %9.1f %5.0f%% %5.0f%% %9d  %s", LogText.bounded(r.path("route").asText()),
                requests / seconds, percent(r.path("clientErrors").asLong(), requests),
                percent(r.path("serverErrors").asLong(), requests), r.path("distinctSources").asLong(),
                LogText.bounded(topRegions(r.path("regionCounts")))));
        });
        lines.add("");
        lines.add("Commands (newest first)");
        commands.forEach(line -> lines.add("  " + LogText.bounded(line.length() > 160 ? line.substring(0, 160) + "..." : line)));
        if (!log.isEmpty()) {
            lines.add("");
            lines.add("Log (latest; all of it in the log file)");
            log.forEach(line -> lines.add("  " + line));
        }
        if (terminal) {
            out.print(CURSOR_HOME);
            lines.forEach(line -> out.print((line.length() >= columns ? line.substring(0, Math.max(0, columns - 1)) : line)
                + CLEAR_TO_END_OF_LINE + "\n"));
            out.print(CLEAR_BELOW);
        } else {
            lines.forEach(out::println);
            out.println();
        }
        out.flush();
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static String topRegions(JsonNode counts) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        counts.fields().forEachRemaining(e -> entries.add(Map.entry(e.getKey(), e.getValue().asLong())));
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(3, entries.size()); i++) {
            text.append(i > 0 ? " " : "").append(entries.get(i).getKey()).append(' ').append(entries.get(i).getValue());
        }
        return text.toString();
    }
}

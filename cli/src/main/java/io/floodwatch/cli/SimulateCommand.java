package io.floodwatch.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.floodwatch.producers.GroundTruth;
import io.floodwatch.producers.Pacer;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.producers.sim.LabelledEvent;
import io.floodwatch.producers.sim.ScenarioOptions;
import io.floodwatch.producers.sim.Scenarios;
import io.floodwatch.producers.sim.Simulation;
import io.floodwatch.schema.serde.PlainJson;
import io.floodwatch.detector.config.FloodwatchConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code floodwatch simulate}: publishes a labelled scenario of traffic, or writes it as JSON lines. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Generate the traffic of a scenario (ground truth in a side file) and publish it to Kafka as Avro,"
        + " or write it as JSON lines with --output.")
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--scenario", required = true, description = "One of: ${COMPLETION-CANDIDATES}.",
        completionCandidates = ScenarioNames.class)
    String scenario;

    @Option(names = "--rate", defaultValue = "200", description = "Peak events/s of ordinary users (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--attack-rate", defaultValue = "2000", description = "Events/s of the attack or crowd (default ${DEFAULT-VALUE}).")
    double attackRate;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class, description = "Event time simulated (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--attack-start", defaultValue = "4m", converter = DurationConverter.class, description = "When the attack starts (default ${DEFAULT-VALUE}).")
    Duration attackStart;

    @Option(names = "--attack-duration", defaultValue = "4m", converter = DurationConverter.class, description = "How long it lasts (default ${DEFAULT-VALUE}).")
    Duration attackDuration;

    @Option(names = "--sources", defaultValue = "5000", description = "Attacking addresses (default ${DEFAULT-VALUE}).")
    int sources;

    @Option(names = "--prefixes", defaultValue = "40", description = "/24 prefixes they are spread over (default ${DEFAULT-VALUE}).")
    int prefixes;

    @Option(names = "--attack-regions", split = ",", defaultValue = "BR,IN,VN", description = "Regions of the attack (default ${DEFAULT-VALUE}).")
    List<String> attackRegions;

    @Option(names = "--crowd-regions", split = ",", defaultValue = "US,GB,IN", description = "Regions of a flash crowd (default ${DEFAULT-VALUE}).")
    List<String> crowdRegions;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    SpeedOption speed;

    @Option(names = "--output", paramLabel = "FILE", description = "Write JSON lines to FILE ('-' for stdout) instead of publishing.")
    String output;

    @Option(names = "--labels", paramLabel = "FILE", description = "Ground-truth CSV (default <scenario>-<seed>.labels.csv).")
    Path labels;

    @Mixin
    BrokerOption broker;

    @Option(names = "--topic", descriptionKey = FloodwatchConfig.TOPIC_REQUESTS_CONFIG,
        description = "Topic for Avro events (default ${DEFAULT-VALUE}).")
    String topic;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Pacer pacer = speed.pacer();
        // At real time the events happen now; faster, they must lie in the past, or the detector would reject
        // them as timestamped ahead of the clock.
        long start = speed.realtime() ? System.currentTimeMillis() : System.currentTimeMillis() - duration.toMillis();
        ScenarioOptions options = new ScenarioOptions(seed, start, duration.toMillis(), rate, attackRate,
            attackStart.toMillis(), attackDuration.toMillis(), sources, prefixes, attackRegions, crowdRegions, 3000);
        Simulation simulation;
        try {
            simulation = new Simulation(Scenarios.build(scenario, options));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        Path labelsFile = labels != null ? labels : Path.of(scenario + "-" + seed + ".labels.csv");
        PrintWriter err = spec.commandLine().getErr();
        long count = 0;
        long attacks = 0;
        try (GroundTruth truth = GroundTruth.create(labelsFile); Sink sink = sink()) {
            while (simulation.hasNext()) {
                LabelledEvent labelled = simulation.next();
                pacer.await(labelled.event().getTimestamp());
                sink.accept(labelled);
                truth.record(labelled);
                count++;
                attacks += labelled.attack() ? 1 : 0;
            }
        }
        err.printf("floodwatch: %s: %,d events (%,d from attackers) %s; labels in %s%n", scenario, count, attacks,
            output != null ? "written to " + output : "published to " + topic + " on " + broker.bootstrapServers(), labelsFile);
        err.flush();
        return 0;
    }

    private Sink sink() throws java.io.IOException {
        if (output == null) {
            RequestPublisher publisher = RequestPublisher.create(broker.bootstrapServers(), topic, Map.of());
            return new Sink() {
                @Override
                public void accept(LabelledEvent labelled) {
                    publisher.publish(labelled.event());
                }

                @Override
                public void close() {
                    publisher.close();
                }
            };
        }
        BufferedWriter writer = "-".equals(output)
            ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
            : Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8);
        return new Sink() {
            @Override
            public void accept(LabelledEvent labelled) throws java.io.IOException {
                writer.write(PlainJson.toJson(labelled.event()));
                writer.newLine();
            }

            @Override
            public void close() throws java.io.IOException {
                writer.flush();
                if (!"-".equals(output)) {
                    writer.close();
                }
            }
        };
    }

    private interface Sink extends AutoCloseable {
        void accept(LabelledEvent labelled) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Scenario names for the help text. */
    static final class ScenarioNames extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ScenarioNames() {
            super(Scenarios.names());
        }
    }
}

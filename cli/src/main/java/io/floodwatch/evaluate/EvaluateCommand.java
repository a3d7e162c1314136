package io.floodwatch.evaluate;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.floodwatch.broker.EmbeddedKafkaBroker;
import io.floodwatch.cli.CliException;
import io.floodwatch.cli.DurationConverter;
import io.floodwatch.cli.LogFile;
import io.floodwatch.detector.app.Directories;
import io.floodwatch.cli.SpeedOption;
import io.floodwatch.producers.Pacer;
import io.floodwatch.producers.sim.ScenarioOptions;
import io.floodwatch.producers.sim.Scenarios;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code floodwatch evaluate}: runs the whole pipeline on an embedded broker over labelled traffic (simulated
 * scenarios, or a recorded file with a labels file) and scores the commands against the ground truth.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score the detector against labelled traffic: detection, time to mitigate, coverage, collateral.")
public final class EvaluateCommand implements Callable<Integer> {

    /** What to evaluate. */
    static final class Input {
        @Option(names = "--scenario", split = ",", description = "Scenario(s) to evaluate.")
        List<String> scenarios;

        @Option(names = "--all", description = "Every scenario.")
        boolean all;

        @Option(names = "--file", paramLabel = "FILE", description = "Recorded traffic, JSON lines or a combined access log (needs --labels).")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--labels", paramLabel = "FILE", description = "With --file: the attacking source addresses, one per line.")
    Path labels;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class, description = "Event time per scenario (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--rate", defaultValue = "200", description = "Peak events/s of ordinary users (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--attack-rate", defaultValue = "2000", description = "Events/s of attacks and crowds (default ${DEFAULT-VALUE}).")
    double attackRate;

    @Mixin
    SpeedOption speed;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--report", defaultValue = "floodwatch-evaluation", description = "Directory of the Markdown and JSON reports (default ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Detector setting, e.g. -D baseline.min.windows=3.")
    Map<String, String> settings = new HashMap<>();

    @Option(names = "--bar-time-to-mitigate", paramLabel = "SECONDS", description = "Fail unless every attack is mitigated within this much event time.")
    Long barTimeToMitigate;

    @Option(names = "--bar-coverage", paramLabel = "SHARE", description = "Fail unless this share of attack requests is stopped from 30 s after onset.")
    Double barCoverage;

    @Option(names = "--bar-collateral", paramLabel = "SHARE", description = "Fail if more than this share of legitimate requests is hit in an attack scenario.")
    Double barCollateral;

    @Option(names = "--bar-attack-free-blocks", paramLabel = "N", description = "Fail if attack-free scenarios get more BLOCK/RESTRICT commands.")
    Long barAttackFreeBlocks;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (input.file != null && labels == null) {
            throw new CliException("--file needs --labels FILE naming the attacking source addresses");
        }
        List<String> names = input.all ? Scenarios.names() : input.scenarios == null ? List.of() : input.scenarios;
        for (String name : names) {
            if (!Scenarios.names().contains(name)) {
                throw new CliException("unknown scenario '" + name + "'; known: " + String.join(", ", Scenarios.names()));
            }
        }
        Pacer pacer = speed.pacer();
        Files.createDirectories(report);
        // the broker's and the detectors' state, thrown away at the end: beside the reports, not in the OS's temp
        // directory (which Kafka Streams warns against, and which a crashed run would litter)
        Path work = Files.createTempDirectory(report.toAbsolutePath(), ".work-");
        out.printf("logs: %s%n", LogFile.under(report));
        List<Scores.Scenario> results = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0)) {
            if (input.file != null) {
                results.add(EvaluationRun.run(input.file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_"),
                    TrafficSource.recorded(input.file, labels), pacer, broker.bootstrapServers(), work, settings,
                    report.resolve("recorded.commands.jsonl")));
            }
            for (String name : names) {
                long start = System.currentTimeMillis() - duration.toMillis();
                ScenarioOptions options = ScenarioOptions.scaled(seed, start, duration.toMillis(), rate, attackRate);
                out.printf("evaluating %s...%n", name);
                out.flush();
                results.add(EvaluationRun.run(name, TrafficSource.scenario(name, options), speed.pacer(), broker.bootstrapServers(),
                    work, settings, report.resolve(name + ".commands.jsonl")));
            }
        } finally {
            Directories.deleteRecursively(work);
        }
        EvaluationReport evaluation = new EvaluationReport(results);
        out.println();
        out.print(evaluation.table());
        evaluation.write(report);
        out.println("reports: " + report.resolve("evaluation.md") + ", " + report.resolve("evaluation.json")
            + ", and the commands of each run in " + report.resolve("<scenario>.commands.jsonl"));
        List<String> missed = evaluation.missed(new EvaluationReport.Bars(
            barTimeToMitigate == null ? null : barTimeToMitigate * 1000, barCoverage, barCollateral, barAttackFreeBlocks));
        missed.forEach(miss -> out.println("bar missed: " + miss));
        out.flush();
        return missed.isEmpty() ? 0 : 3;
    }
}

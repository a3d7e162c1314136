package io.floodwatch.cli;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

import io.floodwatch.detector.app.StartupException;
import io.floodwatch.bench.BenchCommand;
import io.floodwatch.evaluate.EvaluateCommand;
import io.floodwatch.gateway.sidecar.SidecarCommand;
import io.floodwatch.gateway.sidecar.SidecarException;
import io.floodwatch.schema.serde.InvalidEventException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code floodwatch} command line: one entry point with sub-commands. Errors are printed as one line
 * saying what was wrong and how to fix it, without a stack trace; exit code 2 for usage errors, 1 otherwise.
 */
@Command(name = "floodwatch", mixinStandardHelpOptions = true, version = "floodwatch 0.1.0",
    description = "Real-time attack detector on Kafka Streams.",
    subcommands = {RunCommand.class, DemoCommand.class, CommandsCommand.class, SimulateCommand.class, ReplayCommand.class, BrokerCommand.class,
        BenchCommand.class,
        EvaluateCommand.class, LiftCommand.class, RulesCommand.class, SidecarCommand.class, CommandLine.HelpCommand.class})
public final class FloodwatchCli {

    private FloodwatchCli() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FloodwatchCli());
        cli.setDefaultValueProvider(new CliDefaults());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("floodwatch: " + firstLine(ex.getMessage()) + " (see '"
                + failed.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            failed.getErr().println("floodwatch: " + describe(ex));
            return 1;
        });
        return cli;
    }

    static String describe(Exception ex) {
        if (ex instanceof ConfigException) {
            return "bad configuration: " + firstLine(ex.getMessage());
        }
        if (ex instanceof CliException || ex instanceof StartupException || ex instanceof SidecarException) {
            return ex.getMessage();
        }
        if (ex instanceof KafkaException) {
            return "Kafka error: " + firstLine(ex.getMessage());
        }
        return ex.getClass().getSimpleName() + ": " + InvalidEventException.excerpt(firstLine(String.valueOf(ex.getMessage())));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

package io.floodwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class FloodwatchCliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = FloodwatchCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private String singleErrorLine() {
        String text = err.toString().strip();
        assertEquals(1, text.lines().count(), "exactly one line: " + text);
        assertTrue(text.startsWith("floodwatch: "), text);
        assertTrue(!text.contains("\tat "), "no stack trace: " + text);
        return text;
    }

    @Test
    void shouldTakeEachCommandsDefaultsFromOnePlaceWhenOptionsAreOmitted() {
        // Given the commands that share the broker, speed and topic options
        CommandLine forSimulate = FloodwatchCli.commandLine();
        CommandLine forReplay = FloodwatchCli.commandLine();
        CommandLine forDemo = FloodwatchCli.commandLine();

        // When they are parsed without those options
        forSimulate.parseArgs("simulate", "--scenario", "baseline");
        forReplay.parseArgs("replay", "--file", "traffic.jsonl");
        forDemo.parseArgs("demo");
        SimulateCommand simulate = forSimulate.getSubcommands().get("simulate").getCommand();
        ReplayCommand replay = forReplay.getSubcommands().get("replay").getCommand();
        DemoCommand demo = forDemo.getSubcommands().get("demo").getCommand();

        // Then each has its own pace, and the brokers and topics are the detector's defaults
        assertTrue(simulate.speed.realtime(), "a live feed is real time");
        assertEquals("max", replay.speed.speed);
        assertEquals("10x", demo.speed.speed);
        assertEquals("127.0.0.1:9092", simulate.broker.bootstrapServers());
        assertEquals("127.0.0.1:9092", replay.broker.bootstrapServers());
        assertEquals("requests", simulate.topic);
        assertEquals("requests-json", replay.jsonTopic);
    }

    @Test
    void shouldPrintOneLineAndExitTwoWhenFlagIsUnknown() {
        // Given
        String[] args = {"run", "--no-such-flag"};

        // When
        int exit = execute(args);

        // Then
        assertEquals(2, exit);
        String line = singleErrorLine();
        assertTrue(line.contains("--no-such-flag") && line.contains("floodwatch run --help"), line);
    }

    @Test
    void shouldNameTheKeyWhenAConfigurationValueIsInvalid() {
        // Given
        String[] args = {"commands", "-D", "window.size.ms=soon"};

        // When
        int exit = execute(args);

        // Then
        assertEquals(1, exit);
        String line = singleErrorLine();
        assertTrue(line.contains("bad configuration") && line.contains("window.size.ms") && line.contains("soon"), line);
    }

    @Test
    void shouldNameTheFileWhenTheConfigurationFileIsMissing() {
        // Given
        Path missing = dir.resolve("nope.properties");

        // When
        int exit = execute("commands", "--config", missing.toString());

        // Then
        assertEquals(1, exit);
        assertTrue(singleErrorLine().contains(missing.toString()));
    }

    @Test
    void shouldRejectAnInconsistentConfigurationFileWithTheReason() throws Exception {
        // Given
        Path file = dir.resolve("floodwatch.properties");
        Files.writeString(file, "rule.source.ip.throttle.per.second=50\nrule.source.ip.block.per.second=10\n");

        // When
        int exit = execute("run", "--config", file.toString(), "--data-dir", dir.resolve("data").toString());

        // Then
        assertEquals(1, exit);
        String line = singleErrorLine();
        assertTrue(line.contains("rule.source.ip.block.per.second") && line.contains("must be at least"), line);
    }

    @Test
    void shouldSayHowToFixItWhenTheBrokerIsUnreachable() {
        // Given
        String[] args = {"commands", "--bootstrap-servers", "127.0.0.1:1", "--timeout", "2"};

        // When
        int exit = execute(args);

        // Then
        assertEquals(1, exit);
        String line = singleErrorLine();
        assertTrue(line.contains("cannot reach Kafka at 127.0.0.1:1") && line.contains("--bootstrap-servers"), line);
    }

    @Test
    void shouldSayTheBrokerIsUnreachableWhenRunIsPointedAtNothing() {
        // Given
        String[] args = {"run", "--bootstrap-servers", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString(),
            "-D", "kafka.default.api.timeout.ms=2000", "-D", "kafka.request.timeout.ms=1000"};

        // When
        int exit = execute(args);

        // Then
        assertEquals(1, exit);
        String line = singleErrorLine();
        assertTrue(line.contains("cannot reach Kafka at 127.0.0.1:1") && line.contains("--bootstrap-servers"), line);
    }

    @Test
    void shouldListTheSubcommandsWhenAskedForHelp() {
        // Given
        String[] args = {"--help"};

        // When
        int exit = execute(args);

        // Then
        assertEquals(0, exit);
        assertTrue(out.toString().contains("run") && out.toString().contains("commands"), out.toString());
    }
}

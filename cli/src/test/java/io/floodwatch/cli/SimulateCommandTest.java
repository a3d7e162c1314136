package io.floodwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.RequestEventJson;
import picocli.CommandLine;

class SimulateCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteParseableJsonLinesAndOneLabelPerEventWhenOutputIsAFile() throws Exception {
        // Given
        Path events = dir.resolve("flood.jsonl");
        Path labels = dir.resolve("flood.csv");
        CommandLine cli = FloodwatchCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        // When
        int exit = cli.execute("simulate", "--scenario", "scraper", "--duration", "60s", "--attack-start", "20s",
            "--attack-duration", "20s", "--rate", "20", "--attack-rate", "100", "--speed", "max",
            "--output", events.toString(), "--labels", labels.toString());

        // Then
        assertEquals(0, exit, err.toString());
        List<String> lines = Files.readAllLines(events);
        List<String> truth = Files.readAllLines(labels);
        assertEquals(lines.size() + 1, truth.size(), "a header and one label per event");
        long attackLabels = truth.stream().filter(l -> l.contains(",scraper,true,")).count();
        assertTrue(attackLabels > 1500 && attackLabels < 2500, "about 100/s for 20 s: " + attackLabels);
        for (String line : lines) {
            RequestEvent event = RequestEventJson.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(event.getTimestamp() <= System.currentTimeMillis(), "at max speed, events lie in the past");
        }
        assertTrue(err.toString().contains("from attackers"), err.toString());
    }

    @Test
    void shouldExplainTheChoicesWhenTheScenarioIsUnknown() {
        // Given
        CommandLine cli = FloodwatchCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        // When
        int exit = cli.execute("simulate", "--scenario", "ddos", "--output", dir.resolve("x").toString(),
            "--labels", dir.resolve("y").toString());

        // Then
        assertEquals(1, exit);
        assertEquals(1, err.toString().strip().lines().count());
        assertTrue(err.toString().contains("unknown scenario 'ddos'; known: baseline, registration-flood"), err.toString());
    }
}

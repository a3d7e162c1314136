package io.floodwatch.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.cli.FloodwatchCli;
import picocli.CommandLine;

/** A short {@code evaluate} of two scenarios on a real embedded broker. */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvaluateIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void shouldScoreTheScraperAsDetectedAndTheBaselineAsAttackFreeWhenTwoScenariosAreEvaluated() throws Exception {
        // Given
        CommandLine cli = FloodwatchCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        Path report = dir.resolve("report");

        // When
        int exit = cli.execute("evaluate", "--scenario", "scraper,baseline", "--duration", "3m", "--rate", "50",
            "--attack-rate", "300", "--report", report.toString(), "--bar-attack-free-blocks", "0");

        // Then
        assertEquals(0, exit, out.toString());
        JsonNode results = new ObjectMapper().readTree(report.resolve("evaluation.json").toFile());
        assertEquals(2, results.size());
        JsonNode scraper = results.get(0).get("attacks").get(0);
        assertEquals("scraper", scraper.get("actor").asText());
        assertTrue(scraper.get("detected").asBoolean(), scraper.toString());
        assertTrue(scraper.get("timeToMitigateMs").asLong() < 30_000, scraper.toString());
        assertTrue(scraper.get("coverageAfter30s").asDouble() > 0.8, scraper.toString());
        assertEquals(0, results.get(1).get("attacks").size(), "baseline has no attacker");
        assertTrue(Files.readString(report.resolve("evaluation.md")).contains("| baseline | (none) |"));
        assertTrue(out.toString().contains("TTM event"), out.toString());
    }
}

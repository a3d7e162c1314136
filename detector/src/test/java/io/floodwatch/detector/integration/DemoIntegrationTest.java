package io.floodwatch.detector.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.cli.FloodwatchCli;
import picocli.CommandLine;

/** The demo end to end: embedded broker, detector and simulated traffic, with its view of rates. */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DemoIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void shouldShowEndpointRatesAndStopByItselfWhenTheScenarioEnds() {
        // Given
        CommandLine cli = FloodwatchCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));

        // When
        int exit = cli.execute("demo", "--duration", "60s", "--speed", "max", "--data-dir", dir.resolve("demo").toString());

        // Then
        assertEquals(0, exit);
        String screen = out.toString();
        assertTrue(screen.contains("Floodwatch demo: deepseek-day"), screen);
        assertTrue(screen.contains("POST /api/v1/auth/register"), "the registration endpoint is shown: " + screen);
        assertTrue(screen.contains("Commands (newest first)"), screen);
    }
}

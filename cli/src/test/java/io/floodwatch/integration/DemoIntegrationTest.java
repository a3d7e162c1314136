package io.floodwatch.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.cli.FloodwatchCli;
import io.floodwatch.testing.GrafanaDashboard;
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
        assertTrue(Pattern.compile("(?m)^(GET|POST) /api/v1/\\S+ +\\d+\\.\\d").matcher(screen).find(),
            "the endpoints' rates are shown: " + screen);
        assertTrue(screen.contains("Commands (newest first)"), screen);
    }

    @Test
    void shouldPrintNoErrorAndKeepTheBrokersLinesInTheLogFileWhenAUserRunsTheDemo() throws Exception {
        // Given the packaged command line, run as a user runs it, in its own JVM
        Path jar = Path.of("target", "floodwatch.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the jar is packaged before the integration tests: " + jar);
        Path data = dir.resolve("user");
        Path terminal = dir.resolve("terminal.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // When the demo runs to its end
        Process demo = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(), "demo", "--duration", "60s", "--speed",
            "max", "--data-dir", data.toString()).redirectErrorStream(true).redirectOutput(terminal.toFile()).start();
        assertTrue(demo.waitFor(150, TimeUnit.SECONDS), "the demo stops by itself");

        // Then the terminal has Floodwatch's view and lines only, and the log file has the rest
        String screen = Files.readString(terminal);
        assertEquals(0, demo.exitValue(), screen);
        assertTrue(screen.contains("Floodwatch demo: deepseek-day"), screen);
        assertFalse(screen.contains(" ERROR "), "no error on the terminal: " + screen);
        assertFalse(screen.contains("\tat "), "no stack trace on the terminal: " + screen);
        Path log = data.resolve("logs").resolve("floodwatch.log");
        assertTrue(screen.contains("Logs: " + log), "the log file is named: " + screen);
        String logged = Files.readString(log);
        assertTrue(logged.contains(" INFO ") && logged.contains("kafka."), "the broker's lines are in the log file");
    }

    @Test
    void shouldExportTheNamedMetricsWhenPrometheusScrapesDuringTheDemo() throws Exception {
        // Given a demo running at ten times real speed
        CommandLine cli = FloodwatchCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        Thread demo = new Thread(() -> cli.execute("demo", "--duration", "150s", "--speed", "10x", "--data-dir",
            dir.resolve("scraped").toString()), "demo");
        demo.start();
        try {
            await("the dashboard address").atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("Dashboard: http://"));
            Matcher address = Pattern.compile("Dashboard: (http://\\S+/)").matcher(out.toString());
            assertTrue(address.find());

            // When Prometheus scrapes once traffic has flowed
            HttpClient client = HttpClient.newHttpClient();
            URI metrics = URI.create(address.group(1) + "metrics");
            await("events counted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                Pattern.compile("(?m)^floodwatch_events_in_total [1-9]").matcher(
                    client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body()).find());
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());

            // Then
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            for (String name : GrafanaDashboard.metrics()) {
                if (!name.startsWith("floodwatch_anomalies")) {
                    assertTrue(scrape.body().contains(name), "metric " + name + " in a scrape during the demo");
                }
            }
        } finally {
            demo.join(TimeUnit.SECONDS.toMillis(60));
        }
    }
}

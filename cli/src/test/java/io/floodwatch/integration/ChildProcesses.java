package io.floodwatch.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.floodwatch.cli.FloodwatchCli;
import io.floodwatch.detector.config.FloodwatchConfig;

/** Floodwatch's own processes for fault tests: {@code floodwatch run} and {@code floodwatch broker} in child JVMs. */
final class ChildProcesses {

    private static final Pattern BROKER = Pattern.compile("Kafka broker: (\\S+)");

    private ChildProcesses() {
    }

    /**
     * Starts {@code floodwatch run --bootstrap-servers} on a data directory and waits until it says it is running.
     *
     * @param bootstrap the brokers
     * @param data the detector's data directory
     * @param terminal where its terminal output goes (appended, so restarts keep the earlier lines)
     * @param settings further {@code -D} settings, {@code key=value}
     */
    static Process startDetector(String bootstrap, Path data, Path terminal, String... settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
            FloodwatchCli.class.getName(), "run", "--bootstrap-servers", bootstrap, "--data-dir", data.toString(),
            "-D", FloodwatchConfig.HTTP_LISTEN_CONFIG + "=off"));
        for (String setting : settings) {
            command.add("-D");
            command.add(setting);
        }
        Files.writeString(terminal, "");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(terminal.toFile()).start();
        await("the detector process running").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
            .until(() -> {
                String screen = Files.readString(terminal);
                assertTrue(process.isAlive(), "the detector exited: " + screen);
                return screen.contains("Detector running");
            });
        return process;
    }

    /** A broker in its own JVM and the address it printed. */
    record Broker(Process process, String bootstrapServers) {
    }

    /**
     * Starts {@code floodwatch broker} on a data directory and port and waits for its address.
     *
     * @param data its data directory (the log goes in {@code data/kafka})
     * @param port the port; 0 for any free one
     * @param terminal where its terminal output goes
     */
    static Broker startBroker(Path data, int port, Path terminal) throws IOException {
        Files.writeString(terminal, "");
        Process process = new ProcessBuilder(java(), "-Xmx768m", "-cp", System.getProperty("java.class.path"),
            FloodwatchCli.class.getName(), "broker", "--port", String.valueOf(port), "--data-dir", data.toString())
            .redirectErrorStream(true).redirectOutput(terminal.toFile()).start();
        String[] address = new String[1];
        await("the broker process listening").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
            .until(() -> {
                String screen = Files.readString(terminal);
                assertTrue(process.isAlive(), "the broker exited: " + screen);
                Matcher matcher = BROKER.matcher(screen);
                if (matcher.find()) {
                    address[0] = matcher.group(1);
                    return true;
                }
                return false;
            });
        return new Broker(process, address[0]);
    }

    /** Kills with SIGKILL and waits; the exit code the kill gave. */
    static int kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** Stops with SIGTERM (a clean close), waiting up to a minute, then SIGKILL. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

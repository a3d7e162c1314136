package io.floodwatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.floodwatch.cli.FloodwatchCli;

/**
 * A real Kafka broker in its own JVM ({@code floodwatch broker}), so that a benchmark's figures for the client
 * (heap, CPU) are not mixed with the broker's.
 */
final class BrokerProcess implements AutoCloseable {

    private static final String READY = "Kafka broker: ";

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts {@code floodwatch broker} with its data under {@code dataDir} and waits for its address. */
    static BrokerProcess start(Path dataDir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
            FloodwatchCli.class.getName(), "broker", "--port", "0", "--data-dir", dataDir.toString()))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                return new BrokerProcess(process, line.substring(READY.length()).strip().split(" ", 2)[0]);
            }
        }
        process.destroyForcibly();
        throw new IOException("the broker process exited before printing its address (exit code "
            + process.onExit().join().exitValue() + ")");
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

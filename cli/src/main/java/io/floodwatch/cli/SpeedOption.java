package io.floodwatch.cli;

import io.floodwatch.producers.Pacer;
import picocli.CommandLine.Option;

/** How fast a command publishes traffic by its event time ({@code --speed}); each command has its own default. */
public final class SpeedOption {

    @Option(names = "--speed", paramLabel = "SPEED", descriptionKey = CliDefaults.SPEED,
        description = "realtime (or recorded), a speed-up such as 10x, or max: all of it as one backlog, as fast as the"
            + " broker takes it (default ${DEFAULT-VALUE}).")
    String speed;

    /** The pace; a value that is none of these is a one-line error. */
    public Pacer pacer() {
        try {
            return Pacer.of(realtime() ? "realtime" : speed);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Whether events are published at the pace they happened, so that their time is now. */
    public boolean realtime() {
        return "realtime".equals(speed) || "recorded".equals(speed);
    }
}

package io.floodwatch.cli;

import java.util.concurrent.Callable;

import io.floodwatch.detector.config.FloodwatchConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code floodwatch run}: the detector, on the configured brokers or an embedded one. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the detector. Without --bootstrap-servers, starts a real single-node Kafka broker in-process"
        + " (127.0.0.1:9092 or the next free port) with its data under --data-dir.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--embedded-port", paramLabel = "PORT", description = "Preferred port of the embedded broker (default 9092).")
    Integer embeddedPort;

    @Option(names = "--secure",
        description = "Secure the embedded broker: SASL/SCRAM for every client and Floodwatch's ACLs; the detector, gateway"
            + " and operator client settings are written to DATA_DIR/credentials.")
    boolean secure;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FloodwatchConfig config = options.load();
        if (embeddedPort != null) {
            config = config.with(FloodwatchConfig.EMBEDDED_PORT_CONFIG, embeddedPort);
        }
        java.io.PrintStream out = new java.io.PrintStream(System.out, true);
        out.println("Logs: " + LogFile.under(config.dataDir()) + " (the broker's and the Kafka clients' lines; warnings and errors also here)");
        Detector detector = Detector.start(config, secure, out);
        Thread shutdown = new Thread(() -> {
            System.err.println("Stopping the detector...");
            detector.close();
        }, "floodwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        detector.app().awaitStop();
        return 0;
    }
}

package io.floodwatch.cli;

import java.io.PrintStream;

import io.floodwatch.broker.EmbeddedKafkaBroker;
import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.detector.config.FloodwatchConfig;

/**
 * The detector as {@code run} and {@code demo} start it: on the configured brokers, or, when none are configured, on
 * a real single-node KRaft broker started in this process with its data under the data directory. Closing stops the
 * detector, then the broker.
 */
final class Detector implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final DetectorApp app;

    private Detector(EmbeddedKafkaBroker broker, DetectorApp app) {
        this.broker = broker;
        this.app = app;
    }

    /**
     * Starts the broker if one is needed, then the detector.
     *
     * @param config the detector's configuration
     * @param out where the addresses are printed
     */
    static Detector start(FloodwatchConfig config, PrintStream out) throws InterruptedException {
        if (!config.embedded()) {
            return new Detector(null, DetectorApp.start(config, out));
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config.dataDir().resolve("kafka"),
            config.getInt(FloodwatchConfig.EMBEDDED_PORT_CONFIG));
        try {
            out.println("Kafka broker: " + broker.bootstrapServers() + " (embedded, data in " + broker.logDir() + ")");
            return new Detector(broker, DetectorApp.start(config, broker.bootstrapServers(), out));
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
    }

    /** The running detector. */
    DetectorApp app() {
        return app;
    }

    @Override
    public void close() {
        app.close();
        if (broker != null) {
            broker.close();
        }
    }
}

package io.floodwatch.cli;

import java.io.PrintStream;

import io.floodwatch.broker.AccessPolicy;
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
        return start(config, false, out);
    }

    /**
     * Starts the broker if one is needed, secured with SASL/SCRAM and ACLs if asked, then the detector (as the
     * detector's principal on a secured broker).
     *
     * @param config the detector's configuration
     * @param secure whether the embedded broker authenticates and authorizes its clients
     * @param out where the addresses are printed
     */
    static Detector start(FloodwatchConfig config, boolean secure, PrintStream out) throws InterruptedException {
        if (!config.embedded()) {
            if (secure) {
                throw new CliException("--secure secures the embedded broker; on your own brokers pass their client"
                    + " settings with --kafka-config FILE instead");
            }
            return new Detector(null, DetectorApp.start(config, out));
        }
        EmbeddedKafkaBroker broker = SecureBroker.start(config.dataDir(), config.getInt(FloodwatchConfig.EMBEDDED_PORT_CONFIG),
            secure, out);
        try {
            FloodwatchConfig detectorConfig = config;
            if (secure) {
                for (var setting : SecureBroker.credentials(config.dataDir()).clientSettings(AccessPolicy.DETECTOR).entrySet()) {
                    detectorConfig = detectorConfig.with(FloodwatchConfig.KAFKA_PREFIX + setting.getKey(), setting.getValue());
                }
            }
            return new Detector(broker, DetectorApp.start(detectorConfig, broker.bootstrapServers(), out));
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

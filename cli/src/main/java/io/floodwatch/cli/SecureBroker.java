package io.floodwatch.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import io.floodwatch.broker.AccessPolicy;
import io.floodwatch.broker.BrokerCredentials;
import io.floodwatch.broker.EmbeddedKafkaBroker;

/** The embedded broker as {@code run} and {@code broker} start it, open or secured, and the lines that say how to reach it. */
final class SecureBroker {

    private SecureBroker() {
    }

    /** The credentials of the secured broker whose data is under {@code dataDir}. */
    static BrokerCredentials credentials(Path dataDir) {
        return BrokerCredentials.loadOrCreate(dataDir.resolve("credentials"));
    }

    /**
     * Starts the embedded broker with its log under {@code dataDir/kafka}.
     *
     * @param dataDir the data directory
     * @param port the preferred client port
     * @param secure whether clients authenticate (SASL/SCRAM) and are authorized (ACLs)
     * @param out where the address and, when secured, the client settings files are printed
     */
    static EmbeddedKafkaBroker start(Path dataDir, int port, boolean secure, PrintStream out) {
        Path logDir = dataDir.resolve("kafka");
        if (!secure) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, port);
            out.println("Kafka broker: " + broker.bootstrapServers() + " (embedded, data in " + broker.logDir() + ")");
            return broker;
        }
        BrokerCredentials credentials = credentials(dataDir);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecure(logDir, port, credentials);
        out.println("Kafka broker: " + broker.bootstrapServers() + " (embedded, SASL/SCRAM-SHA-256 with ACLs, data in "
            + broker.logDir() + ")");
        for (String principal : AccessPolicy.PRINCIPALS) {
            out.println("  " + String.format("%-9s", principal) + " client settings: " + credentials.clientFile(principal)
                + "  (--kafka-config)");
        }
        return broker;
    }
}

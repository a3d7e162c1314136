package io.floodwatch.cli;

import picocli.CommandLine.Option;

/** The brokers a tool publishes to or reads from ({@code --bootstrap-servers}), defaulting to the embedded broker's. */
final class BrokerOption {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", descriptionKey = CliDefaults.BROKER,
        description = "Kafka brokers (default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    /** The brokers. */
    String bootstrapServers() {
        return bootstrapServers;
    }
}

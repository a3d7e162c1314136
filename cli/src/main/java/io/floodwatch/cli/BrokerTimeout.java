package io.floodwatch.cli;

import picocli.CommandLine.Option;

/** The {@code --timeout} of the tools that read the detector's topics. */
final class BrokerTimeout {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "How long to wait for the broker (default ${DEFAULT-VALUE}).")
    int seconds;
}

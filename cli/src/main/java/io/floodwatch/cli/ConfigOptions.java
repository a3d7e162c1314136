package io.floodwatch.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.floodwatch.detector.config.ConfigLoader;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.schema.client.ClientPropertiesFile;
import picocli.CommandLine.Option;

/** Options shared by the sub-commands that need the detector's configuration. */
final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file with Floodwatch settings.")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
        description = "Kafka brokers. Omitted: run starts an embedded broker; other commands use 127.0.0.1:9092.")
    String bootstrapServers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "State directory (default: ./floodwatch-data).")
    Path dataDir;

    @Option(names = "--kafka-config", paramLabel = "FILE",
        description = "Kafka client properties (security.protocol, sasl.*, ssl.*) for every client, e.g. the operator.properties"
            + " a secured broker writes.")
    Path kafkaConfig;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting, e.g. -D window.size.ms=5000.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The configuration: defaults, file, environment, then these options. */
    FloodwatchConfig load() {
        Map<String, Object> overrides = new HashMap<>();
        if (kafkaConfig != null) {
            try {
                ClientPropertiesFile.load(kafkaConfig).forEach((key, value) -> overrides.put(FloodwatchConfig.KAFKA_PREFIX + key, value));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage() + " (see --kafka-config)");
            }
        }
        overrides.putAll(settings);
        if (bootstrapServers != null) {
            overrides.put(FloodwatchConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (dataDir != null) {
            overrides.put(FloodwatchConfig.DATA_DIR_CONFIG, dataDir.toString());
        }
        return ConfigLoader.load(configFile, System.getenv(), overrides);
    }
}

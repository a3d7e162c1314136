package io.floodwatch.detector.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigException;

/**
 * Builds a {@link FloodwatchConfig} from, in increasing precedence: defaults, an optional properties file,
 * environment variables and explicit overrides (command-line options).
 *
 * <p>Environment variables: {@code FLOODWATCH_RULE_SOURCE_IP_BLOCK_PER_SECOND=50} sets
 * {@code rule.source.ip.block.per.second}; {@code KAFKA_SECURITY_PROTOCOL=SSL} sets the Kafka client property
 * {@code security.protocol}.
 */
public final class ConfigLoader {

    static final String APP_ENV_PREFIX = "FLOODWATCH_";
    static final String KAFKA_ENV_PREFIX = "KAFKA_";

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param file properties file, or null for none
     * @param environment environment variables (usually {@link System#getenv()})
     * @param overrides highest-precedence values
     * @throws ConfigException with a message naming the file or key that is wrong
     */
    public static FloodwatchConfig load(Path file, Map<String, String> environment, Map<String, ?> overrides) {
        Map<String, Object> values = new HashMap<>();
        if (file != null) {
            values.putAll(readFile(file));
        }
        values.putAll(fromEnvironment(environment));
        values.putAll(overrides);
        return new FloodwatchConfig(values);
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(APP_ENV_PREFIX)) {
                values.put(toKey(name.substring(APP_ENV_PREFIX.length())), value);
            } else if (name.startsWith(KAFKA_ENV_PREFIX)) {
                values.put(FloodwatchConfig.KAFKA_PREFIX + toKey(name.substring(KAFKA_ENV_PREFIX.length())), value);
            }
        });
        return values;
    }

    private static String toKey(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("configuration file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name, properties.getProperty(name).strip());
        }
        return values;
    }
}

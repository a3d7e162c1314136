package io.floodwatch.schema.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A Kafka client properties file, the form Kafka's own tools take with {@code --command-config}: security settings
 * (SASL, TLS) for every client of one principal, such as the files a secured embedded broker writes for its principals.
 */
public final class ClientPropertiesFile {

    private ClientPropertiesFile() {
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static Map<String, String> load(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().stream().sorted().forEach(name -> values.put(name, props.getProperty(name)));
        return values;
    }
}

package io.floodwatch.detector.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.apache.kafka.common.config.ConfigException;

import io.floodwatch.detector.config.FloodwatchConfig;

/**
 * The static group membership id of a detector instance ({@code group.instance.id} of its consumers). A static
 * member that restarts within the session timeout takes its tasks back at once: the group coordinator replaces the
 * dead member by the new one without a rebalance, instead of waiting out {@code session.timeout.ms} for it. The id
 * is the configured {@value FloodwatchConfig#INSTANCE_ID_CONFIG}, or one generated on the first start and kept in
 * the data directory, so that it follows the instance's local state.
 */
public final class StaticMembership {

    static final String FILE = "instance-id";
    private static final int MAX_LENGTH = 200;

    private StaticMembership() {
    }

    /**
     * The instance's id: configured, or read from (created in) {@code <data.dir>/instance-id}.
     *
     * @throws ConfigException if the kept id is unreadable or not a valid id
     */
    public static String instanceId(FloodwatchConfig config) {
        String configured = config.getString(FloodwatchConfig.INSTANCE_ID_CONFIG).strip();
        if (!configured.isEmpty()) {
            return valid(configured, FloodwatchConfig.INSTANCE_ID_CONFIG);
        }
        Path file = config.dataDir().resolve(FILE);
        try {
            if (Files.exists(file)) {
                return valid(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
            }
            String generated = "floodwatch-" + UUID.randomUUID().toString().substring(0, 8);
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the instance id in " + file, e);
        }
    }

    private static String valid(String id, String origin) {
        if (id.isEmpty() || id.length() > MAX_LENGTH || !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
            throw new ConfigException("instance id '" + (id.length() > 40 ? id.substring(0, 40) + "…" : id) + "' from " + origin
                + " is not valid: use 1 to " + MAX_LENGTH + " letters, digits, '-', '_' or '.' (set " + FloodwatchConfig.INSTANCE_ID_CONFIG
                + ", or delete the file to get a new one)");
        }
        return id;
    }
}

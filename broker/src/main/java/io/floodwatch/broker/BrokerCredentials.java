package io.floodwatch.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The passwords of a secured embedded broker: its own (SASL/PLAIN on its internal and controller listeners) and one
 * per client principal (SASL/SCRAM-SHA-256 on the client listener). Generated on first use with a secure random
 * source and kept in a directory readable by the owner only ({@code passwords.properties}), with one Kafka client
 * properties file per principal
 * ({@code detector.properties}, {@code gateway.properties}, {@code operator.properties}) that clients load as they are.
 */
public final class BrokerCredentials {

    /** The broker's own principal, the only super user. */
    public static final String BROKER = "broker";
    /** The SASL mechanism of client connections. */
    public static final String CLIENT_MECHANISM = "SCRAM-SHA-256";

    private static final String PASSWORDS = "passwords.properties";
    private static final List<String> ALL = List.of(BROKER, AccessPolicy.DETECTOR, AccessPolicy.GATEWAY, AccessPolicy.OPERATOR);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Map<String, String> passwords;

    private BrokerCredentials(Path dir, Map<String, String> passwords) {
        this.dir = dir;
        this.passwords = passwords;
    }

    /** Reads the credentials kept in {@code dir}, creating the missing ones, and writes each principal's client file. */
    public static BrokerCredentials loadOrCreate(Path dir) {
        try {
            Files.createDirectories(dir);
            restrict(dir, "rwx------");
            Path file = dir.resolve(PASSWORDS);
            Properties kept = new Properties();
            if (Files.exists(file)) {
                try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    kept.load(reader);
                }
            }
            Map<String, String> passwords = new LinkedHashMap<>();
            boolean generated = false;
            for (String principal : ALL) {
                String password = kept.getProperty(principal);
                if (password == null || password.isBlank()) {
                    password = generate();
                    generated = true;
                }
                passwords.put(principal, password);
            }
            if (generated) {
                write(file, "# Passwords of Floodwatch's secured embedded broker, one per principal\n", passwords);
            }
            for (String principal : AccessPolicy.PRINCIPALS) {
                write(dir.resolve(principal + ".properties"), "# Kafka client settings of the principal '" + principal
                    + "' on Floodwatch's secured embedded broker\n", clientProperties(principal, passwords.get(principal)));
            }
            return new BrokerCredentials(dir, passwords);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the broker credentials in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory holding the credentials. */
    public Path dir() {
        return dir;
    }

    /** The client properties file of a principal. */
    public Path clientFile(String principal) {
        return dir.resolve(principal + ".properties");
    }

    /** Kafka client settings that authenticate as the principal over SASL/SCRAM. */
    public Map<String, Object> clientSettings(String principal) {
        return Map.copyOf(clientProperties(principal, password(principal)));
    }

    /** The password of a principal. */
    public String password(String principal) {
        String password = passwords.get(principal);
        if (password == null) {
            throw new IllegalArgumentException("no principal " + principal + "; known: " + passwords.keySet());
        }
        return password;
    }

    /** The client principals, in policy order. */
    public List<String> principals() {
        return AccessPolicy.PRINCIPALS;
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
            + "\" password=\"" + password + "\";";
    }

    private static Map<String, String> clientProperties(String principal, String password) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", CLIENT_MECHANISM);
        props.put("sasl.jaas.config", scramJaas(principal, password));
        return props;
    }

    private static String generate() {
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static void write(Path file, String header, Map<String, String> values) throws IOException {
        StringBuilder text = new StringBuilder(header);
        values.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary);
        restrict(temporary, "rw-------");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path path, String permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }
}

package io.floodwatch.detector.topology;

import static io.floodwatch.testing.Events.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.testing.DetectorDriver;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.sign.CommandKeys;
import io.floodwatch.schema.sign.CommandSignatures;
import io.floodwatch.testing.Events;

class CommandSigningTopologyTest {

    private static final String KEYS = "k2026:" + Base64.getEncoder().encodeToString("s".repeat(32).getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private static List<RequestEvent> flood() {
        List<RequestEvent> burst = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            burst.add(Events.get(T0 + i * 30L, "203.0.113.66", "/api/v1/models"));
        }
        return burst;
    }

    @Test
    void shouldSignEveryCommandWithTheFirstKeyWhenAKeyFileIsConfigured() throws IOException {
        // Given a detector with a key file
        Path keyFile = Files.writeString(dir.resolve("command-keys"), "# rotated 2026-12\n" + KEYS + "\n");
        List<TestRecord<String, byte[]>> records;
        CommandSignatures verifier = new CommandSignatures(CommandKeys.parse(KEYS, "test"));
        try (DetectorDriver driver = new DetectorDriver(dir.resolve("state"), Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0,
            FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 20.0, FloodwatchConfig.SIGNING_KEYS_FILE_CONFIG, keyFile.toString()))) {

            // When a source floods
            driver.send(flood());
            records = driver.commandRecords();

            // Then every command carries a signature that a verifier holding the key accepts
            assertFalse(records.isEmpty());
            for (TestRecord<String, byte[]> record : records) {
                assertEquals("k2026", new String(record.headers().lastHeader(CommandSignatures.KEY_ID_HEADER).value(),
                    StandardCharsets.UTF_8));
                assertEquals(CommandSignatures.Verification.VALID,
                    verifier.verify(record.key(), driver.decode(record), record.headers()));
            }
        }
    }

    @Test
    void shouldPublishUnsignedCommandsWhenNoKeyIsConfigured() {
        // Given a detector without keys
        try (DetectorDriver driver = new DetectorDriver(dir.resolve("state"), Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0,
            FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 20.0))) {

            // When a source floods
            driver.send(flood());
            List<TestRecord<String, byte[]>> records = driver.commandRecords();

            // Then commands come without signature headers
            assertFalse(records.isEmpty());
            records.forEach(record -> assertNull(record.headers().lastHeader(CommandSignatures.SIGNATURE_HEADER)));
        }
    }
}

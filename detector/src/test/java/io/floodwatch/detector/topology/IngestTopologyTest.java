package io.floodwatch.detector.topology;

import static io.floodwatch.testing.Events.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.floodwatch.detector.ingest.DeadLetters;
import io.floodwatch.detector.testing.DetectorDriver;
import io.floodwatch.testing.Events;

class IngestTopologyTest {

    @TempDir
    Path stateDir;

    private DetectorDriver driver;

    /*
     * TopologyTestDriver drops dead-letter records produced by a deserialization handler under exactly_once_v2
     * (they are sent while its mock producer has no open transaction); the real-broker IngestIntegrationTest covers
     * that path with exactly-once on.
     */
    @BeforeEach
    void setUp() {
        driver = new DetectorDriver(stateDir, Map.of("kafka.processing.guarantee", "at_least_once"));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldDeadLetterWithReasonAndOriginalBytesWhenJsonIsUnparseable() {
        // Given
        byte[] garbage = Events.utf8("{\"timestamp\": 1737936000000, \"sourceIp\": ");

        // When
        driver.sendJson(garbage);

        // Then
        List<TestRecord<byte[], byte[]>> letters = driver.deadLetters();
        assertEquals(1, letters.size());
        assertArrayEquals(garbage, letters.get(0).value());
        assertTrue(header(letters.get(0), DeadLetters.REASON_HEADER).startsWith("unparseable JSON"));
        assertEquals("requests-json", header(letters.get(0), DeadLetters.TOPIC_HEADER));
    }

    @Test
    void shouldDeadLetterWhenRequiredFieldIsMissing() {
        // Given
        byte[] noStatus = Events.utf8("{\"timestamp\": 1737936000000, \"sourceIp\": \"203.0.113.7\", \"method\": \"GET\", \"path\": \"/\"}");

        // When
        driver.sendJson(noStatus);

        // Then
        List<TestRecord<byte[], byte[]>> letters = driver.deadLetters();
        assertEquals(1, letters.size());
        assertEquals("missing required field 'status'", header(letters.get(0), DeadLetters.REASON_HEADER));
    }

    @Test
    void shouldDeadLetterBothWhenSourceIpIsInvalidOnJsonAndAvroTopics() {
        // Given
        byte[] json = Events.json(Events.get(T0, "10.0.0.300", "/"));

        // When
        driver.sendJson(json);
        driver.send(Events.get(T0, "not-an-ip", "/"));

        // Then
        List<TestRecord<byte[], byte[]>> letters = driver.deadLetters();
        assertEquals(2, letters.size());
        assertArrayEquals(json, letters.get(0).value());
        assertTrue(header(letters.get(0), DeadLetters.REASON_HEADER).contains("'sourceIp' is not an IPv4 or IPv6 address"));
        assertEquals("requests", header(letters.get(1), DeadLetters.TOPIC_HEADER));
    }

    @Test
    void shouldDeadLetterEventWhenTimestampIsFarAheadOfTheClock() {
        // Given
        driver.send(Events.get(T0, "203.0.113.7", "/a"));

        // When
        driver.send(Events.get(System.currentTimeMillis() + 365L * 24 * 3600 * 1000, "203.0.113.8", "/b"));
        driver.send(Events.get(T0 + 1000, "203.0.113.9", "/c"));

        // Then
        List<TestRecord<byte[], byte[]>> letters = driver.deadLetters();
        assertEquals(1, letters.size());
        assertTrue(header(letters.get(0), DeadLetters.REASON_HEADER).contains("ahead of the current time"));
        List<JsonNode> rates = driver.endpointRates();
        assertTrue(rates.stream().anyMatch(r -> r.get("route").asText().equals("GET /c")),
            "a valid event after the rejected one still counts: " + rates);
        assertTrue(rates.stream().noneMatch(r -> r.get("route").asText().equals("GET /b")));
    }

    @Test
    void shouldDeadLetterGarbageBytesWhenAvroTopicReceivesThem() {
        // Given
        byte[] notAvro = Events.utf8("hello");

        // When
        driver.sendRawAvro("203.0.113.7", notAvro);

        // Then
        List<TestRecord<byte[], byte[]>> letters = driver.deadLetters();
        assertEquals(1, letters.size());
        assertArrayEquals(notAvro, letters.get(0).value());
        assertArrayEquals(Events.utf8("203.0.113.7"), letters.get(0).key());
        assertTrue(header(letters.get(0), DeadLetters.REASON_HEADER).contains("Not a valid Avro single-object encoded RequestEvent"));
    }

    @Test
    void shouldCountEveryDeadLetterAndKeepValidEventsWhenInputIsMixed() {
        // Given
        byte[][] lines = {
            Events.json(Events.get(T0, "203.0.113.1", "/ok")),
            Events.utf8("not json"),
            Events.json(Events.get(T0 + 10, "2001:db8::1", "/ok")),
            Events.utf8("{\"timestamp\": \"2025-01-27T00:00:00.500Z\", \"sourceIp\": \"203.0.113.2\", \"method\": \"GET\","
                + " \"path\": \"/ok\", \"status\": 200}"),
            Events.utf8("{\"timestamp\": \"yesterday\", \"sourceIp\": \"203.0.113.2\", \"method\": \"GET\", \"path\": \"/ok\", \"status\": 200}"),
        };

        // When
        driver.sendJson(lines);

        // Then
        assertEquals(2, driver.deadLetters().size());
        double counted = driver.meters().find("floodwatch.dead.letters").counters().stream().mapToDouble(c -> c.count()).sum();
        assertEquals(2.0, counted);
        long requests = driver.endpointRates().stream().filter(r -> r.get("route").asText().equals("GET /ok"))
            .mapToLong(r -> r.get("requests").asLong()).max().orElse(0);
        assertEquals(3, requests);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

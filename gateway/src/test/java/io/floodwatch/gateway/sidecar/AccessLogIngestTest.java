package io.floodwatch.gateway.sidecar;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

class AccessLogIngestTest {

    private static final String SYSLOG = "<190>Dec  2 03:31:00 edge-1 nginx: ";

    private final MockProducer<String, RequestEvent> producer = new MockProducer<>(true, null, new StringSerializer(),
        AvroSerde.of(RequestEvent.class));
    private final RequestEventPublisher publisher = new RequestEventPublisher(producer, "requests", 100);
    private final AccessLogIngest ingest = new AccessLogIngest(publisher);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        publisher.close();
    }

    private static String line(String ip) {
        return "{\"timestamp\":1796180000123,\"sourceIp\":\"" + ip + "\",\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"region\":\"\"}";
    }

    @Test
    void shouldPublishGoodLinesAndCountMalformedOnesWhenBothArriveOverSyslog() throws Exception {
        // Given a receiver
        try (AccessLogReceiver receiver = AccessLogReceiver.start(new InetSocketAddress("127.0.0.1", 0), ingest);
             DatagramSocket nginx = new DatagramSocket()) {

            // When nginx sends a good line, garbage with a terminal escape, and another good line
            for (String line : new String[] {SYSLOG + line("203.0.113.6"), SYSLOG + "\u001b[2J{\"oops\"", SYSLOG + line("203.0.113.7")}) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                nginx.send(new DatagramPacket(bytes, bytes.length, receiver.address()));
            }

            // Then
            await().atMost(Duration.ofSeconds(10)).until(() -> ingest.received() == 3 && producer.history().size() == 2);
            assertEquals(1, ingest.malformed());
            assertEquals("203.0.113.7", producer.history().get(1).key());
        }
    }

    @Test
    void shouldFollowNewLinesAndStartOverWhenTheFileIsRotated() throws Exception {
        // Given a file with an old line, followed from its end
        Path log = dir.resolve("access.log");
        Files.writeString(log, line("203.0.113.1") + "\n");
        try (AccessLogTailer tailer = AccessLogTailer.start(log, ingest)) {
            assertTrue(tailer.awaitFollowing(Duration.ofSeconds(5)));

            // When a line is appended in two writes, then the file is rotated and a line written to the new one
            Files.writeString(log, line("203.0.113.2").substring(0, 20), StandardOpenOption.APPEND);
            Files.writeString(log, line("203.0.113.2").substring(20) + "\n", StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
            Files.move(log, dir.resolve("access.log.1"));
            Files.writeString(log, line("203.0.113.3") + "\n");

            // Then
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
            assertEquals("203.0.113.2", producer.history().get(0).key(), "the line present at start was not replayed");
            assertEquals("203.0.113.3", producer.history().get(1).key());
            assertEquals(0, ingest.malformed());
        }
    }
}

package io.floodwatch.gateway.sidecar;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

class AccessLogReceiverTest {

    @Test
    void shouldPublishGoodLinesAndCountMalformedOnesWhenBothArrive() throws Exception {
        // Given a receiver publishing to a producer
        MockProducer<String, RequestEvent> producer = new MockProducer<>(true, null, new StringSerializer(),
            AvroSerde.of(RequestEvent.class));
        try (RequestEventPublisher publisher = new RequestEventPublisher(producer, "requests", 100);
             AccessLogReceiver receiver = AccessLogReceiver.start(new InetSocketAddress("127.0.0.1", 0), publisher);
             DatagramSocket nginx = new DatagramSocket()) {

            // When nginx sends a good line, garbage, and another good line
            String good = "<190>Dec  2 03:31:00 edge-1 nginx: {\"timestamp\":1796180000123,\"sourceIp\":\"203.0.113.7\","
                + "\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"region\":\"\"}";
            for (String line : new String[] {good, "<190>Dec  2 03:31:00 edge-1 nginx: \u001b[2J{\"oops\"", good}) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                nginx.send(new DatagramPacket(bytes, bytes.length, receiver.address()));
            }

            // Then
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received() == 3 && producer.history().size() == 2);
            assertEquals(1, receiver.malformed());
            assertEquals("203.0.113.7", producer.history().get(1).key());
        }
    }
}

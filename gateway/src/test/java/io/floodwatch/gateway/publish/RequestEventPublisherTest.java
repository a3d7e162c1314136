package io.floodwatch.gateway.publish;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

class RequestEventPublisherTest {

    private static RequestEvent event(int i) {
        return RequestEvent.newBuilder().setTimestamp(1_800_000_000_000L + i).setSourceIp("203.0.113." + (i % 200))
            .setMethod("GET").setPath("/api/v1/models").setStatus(200).build();
    }

    @Test
    void shouldPublishEveryEventKeyedBySourceIpWhenTheBrokersAnswer() {
        // Given
        MockProducer<String, RequestEvent> producer = new MockProducer<>(true, null, new StringSerializer(),
            AvroSerde.of(RequestEvent.class));
        RequestEventPublisher publisher = new RequestEventPublisher(producer, "requests", 1_000);

        // When
        for (int i = 0; i < 500; i++) {
            publisher.publish(event(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.counts().get("published") == 500);
        publisher.close();

        // Then
        assertEquals(500, producer.history().size());
        assertEquals("203.0.113.7", producer.history().get(7).key());
        assertEquals("requests", producer.history().get(7).topic());
        assertEquals(0L, publisher.counts().get("dropped"));
    }

    @Test
    void shouldDropAndCountBeyondTheBoundWhenTheBrokersAreUnreachable() throws Exception {
        // Given a publisher whose broker address has nobody listening
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RequestEventPublisher publisher = RequestEventPublisher.create("127.0.0.1:" + port, "requests", 100,
            Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 200));

        // When a gateway keeps serving requests
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            refused += publisher.publish(event(i)) ? 0 : 1;
        }
        publisher.close(Duration.ofMillis(500));

        // Then every call returned, the overflow was dropped and counted, and nothing was acknowledged
        Map<String, Long> counts = publisher.counts();
        assertTrue(refused > 0, "some events dropped");
        assertEquals(refused, counts.get("dropped"));
        assertEquals(20_000L, counts.get("accepted") + counts.get("dropped"));
        assertEquals(0L, counts.get("published"));
    }

    @Test
    void shouldPublishEveryAcceptedEventWhenTheProducerTimesOutWhileTheBrokersAreDown() {
        // Given a producer that cannot take a record for its first 4 attempts (full buffer, then no metadata: the
        // brokers are down), failing them by exception and then, as Kafka's producer does, through the callback
        AtomicInteger attempts = new AtomicInteger();
        MockProducer<String, RequestEvent> producer = new MockProducer<>(true, null, new StringSerializer(),
            AvroSerde.of(RequestEvent.class)) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, RequestEvent> record, Callback callback) {
                int attempt = attempts.incrementAndGet();
                if (attempt <= 2) {
                    throw new TimeoutException("Failed to allocate memory within the configured max blocking time 2000 ms.");
                }
                if (attempt <= 4) {
                    TimeoutException refused = new TimeoutException("Topic requests not present in metadata after 2000 ms.");
                    callback.onCompletion(null, refused);
                    return CompletableFuture.failedFuture(refused);
                }
                return super.send(record, callback);
            }
        };
        RequestEventPublisher publisher = new RequestEventPublisher(producer, "requests", 1_000);

        // When
        for (int i = 0; i < 100; i++) {
            publisher.publish(event(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.counts().get("published") == 100);
        publisher.close();

        // Then the events were offered again, in order, and none is counted as failed
        assertEquals(100, producer.history().size());
        assertEquals(event(0).getTimestamp(), producer.history().get(0).value().getTimestamp());
        assertEquals(0L, publisher.counts().get("failed"));
    }
}

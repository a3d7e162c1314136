package io.floodwatch.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

class RequestPublisherTest {

    @Test
    void shouldKeyBySourceIpAndStampEventTimeWhenPublishing() {
        // Given
        MockProducer<String, RequestEvent> producer = new MockProducer<>(true, null, new StringSerializer(),
            AvroSerde.of(RequestEvent.class));
        RequestEvent event = RequestEvent.newBuilder().setTimestamp(1_737_936_000_123L).setSourceIp("203.0.113.7")
            .setMethod("POST").setPath("/api/v1/auth/register").setStatus(200).build();

        // When
        try (RequestPublisher publisher = new RequestPublisher(producer, "requests")) {
            publisher.publish(event);
            publisher.flush();
        }

        // Then
        List<ProducerRecord<String, RequestEvent>> sent = producer.history();
        assertEquals(1, sent.size());
        assertEquals("requests", sent.get(0).topic());
        assertEquals("203.0.113.7", sent.get(0).key());
        assertEquals(1_737_936_000_123L, sent.get(0).timestamp());
        assertEquals(event, sent.get(0).value());
    }

    @Test
    void shouldSendAgainWhenTheBrokerFailsASendWithAnErrorWorthAnotherTry() {
        // Given a producer whose second send expires on a starved broker
        MockProducer<String, RequestEvent> producer = manualProducer();
        RequestPublisher publisher = publishTwoAndFailTheSecond(producer,
            new TimeoutException("Expiring 1 record(s) for requests-0: 120000 ms has passed"));

        // When
        publisher.flush();

        // Then the expired event was sent once more, and nothing is lost
        assertEquals(0, publisher.failures());
        assertEquals(List.of("203.0.113.7", "203.0.113.8", "203.0.113.8"),
            producer.history().stream().map(ProducerRecord::key).toList());
    }

    @Test
    void shouldFailWithTheLossWhenTheBrokerRefusesAnEventForGood() {
        // Given a producer that refuses the second event as too large, an error no retry can mend
        MockProducer<String, RequestEvent> producer = manualProducer();
        RequestPublisher publisher = publishTwoAndFailTheSecond(producer,
            new RecordTooLargeException("The message is 2000000 bytes"));

        // When
        IllegalStateException lost = assertThrows(IllegalStateException.class, publisher::flush);

        // Then
        assertEquals(1, publisher.failures());
        assertEquals(2, producer.history().size(), "not sent again");
        assertTrue(lost.getMessage().startsWith("1 of 2 events were not acknowledged by the broker (first: RecordTooLargeException"),
            lost.getMessage());
    }

    @Test
    void shouldFailWithTheLossWhenAnEventFailsEveryAttempt() {
        // Given a starved broker on which every send expires
        MockProducer<String, RequestEvent> producer = new MockProducer<>(false, null, new StringSerializer(),
            AvroSerde.of(RequestEvent.class)) {
            @Override
            public synchronized void flush() {
                while (errorNext(new TimeoutException("Expiring 1 record(s)"))) {
                    // every send in flight fails
                }
            }
        };
        RequestPublisher publisher = new RequestPublisher(producer, "requests");
        publisher.publish(event("203.0.113.7"));

        // When
        IllegalStateException lost = assertThrows(IllegalStateException.class, publisher::flush);

        // Then the event was tried the allowed number of times, then counted lost
        assertEquals(RequestPublisher.MAX_ATTEMPTS, producer.history().size());
        assertEquals(1, publisher.failures());
        assertTrue(lost.getMessage().startsWith("1 of 1 events were not acknowledged"), lost.getMessage());
    }

    private static RequestEvent event(String source) {
        return RequestEvent.newBuilder().setTimestamp(1_737_936_000_123L).setSourceIp(source)
            .setMethod("GET").setPath("/").setStatus(200).build();
    }

    /** A producer whose sends complete only when the test says so. */
    private static MockProducer<String, RequestEvent> manualProducer() {
        return new MockProducer<>(false, null, new StringSerializer(), AvroSerde.of(RequestEvent.class));
    }

    /** Publishes two events through {@code producer}, acknowledges the first and fails the second with {@code error}. */
    private static RequestPublisher publishTwoAndFailTheSecond(MockProducer<String, RequestEvent> producer,
                                                               RuntimeException error) {
        RequestPublisher publisher = new RequestPublisher(producer, "requests");
        publisher.publish(event("203.0.113.7"));
        publisher.publish(event("203.0.113.8"));
        producer.completeNext();
        producer.errorNext(error);
        return publisher;
    }
}

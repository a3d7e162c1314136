package io.floodwatch.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    void shouldFailWithTheLossWhenTheBrokerDoesNotAcknowledgeAnEvent() {
        // Given a producer whose second send times out
        MockProducer<String, RequestEvent> producer = new MockProducer<>(false, null, new StringSerializer(),
            AvroSerde.of(RequestEvent.class));
        RequestPublisher publisher = new RequestPublisher(producer, "requests");
        RequestEvent event = RequestEvent.newBuilder().setTimestamp(1_737_936_000_123L).setSourceIp("203.0.113.7")
            .setMethod("GET").setPath("/").setStatus(200).build();
        publisher.publish(event);
        publisher.publish(event);
        producer.completeNext();
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for requests-0: 120000 ms has passed"));

        // When
        IllegalStateException lost = assertThrows(IllegalStateException.class, publisher::flush);

        // Then
        assertEquals(1, publisher.failures());
        assertTrue(lost.getMessage().startsWith("1 of 2 events were not acknowledged by the broker (first: TimeoutException"),
            lost.getMessage());
    }
}

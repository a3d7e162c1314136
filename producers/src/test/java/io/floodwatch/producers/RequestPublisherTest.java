package io.floodwatch.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
}

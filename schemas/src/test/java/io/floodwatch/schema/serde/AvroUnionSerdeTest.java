package io.floodwatch.schema.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.StreamProgress;

class AvroUnionSerdeTest {

    private final AvroUnionSerde serde = AvroUnionSerde.of(RequestEvent.class, StreamProgress.class);

    @Test
    void shouldDecodeEachRecordIntoItsOwnClassWhenTwoTypesShareATopic() {
        // Given
        RequestEvent event = RequestEvent.newBuilder().setTimestamp(1_737_936_000_000L).setSourceIp("203.0.113.7")
            .setMethod("GET").setPath("/").setStatus(200).build();
        StreamProgress progress = StreamProgress.newBuilder().setUpstream("traffic-ticks/1_0").setWatermark(42).setIdle(false).build();

        // When
        SpecificRecord decodedEvent = serde.deserialize("t", serde.serialize("t", event));
        SpecificRecord decodedProgress = serde.deserialize("t", serde.serialize("t", progress));

        // Then
        assertEquals(event, decodedEvent);
        assertEquals(progress, decodedProgress);
    }

    @Test
    void shouldBeDecodableByThePlainSerdeWhenARecordIsEncodedByTheUnion() {
        // Given
        StreamProgress progress = StreamProgress.newBuilder().setUpstream("u").setWatermark(7).setIdle(true).build();

        // When
        StreamProgress decoded = AvroSerde.of(StreamProgress.class).deserialize("t", serde.serialize("t", progress));

        // Then
        assertEquals(progress, decoded);
    }

    @Test
    void shouldRefuseWithTheTypesItTakesWhenARecordOfAnotherTypeArrives() {
        // Given
        MitigationCommand command = MitigationCommand.newBuilder().setCommandId("c").setAction(MitigationAction.BLOCK)
            .setScope(MitigationScope.SOURCE_IP).setTarget("203.0.113.7").setMode(MitigationMode.ENFORCE).setDetectedAt(1)
            .setIssuedAt(1).setExpiresAt(2).setReason("r").build();
        byte[] bytes = AvroSerde.of(MitigationCommand.class).serialize("t", command);

        // When
        SerializationException decoding = assertThrows(SerializationException.class, () -> serde.deserialize("t", bytes));
        SerializationException encoding = assertThrows(SerializationException.class, () -> serde.serialize("t", command));

        // Then
        assertTrue(decoding.getMessage().contains("RequestEvent"), decoding.getMessage());
        assertTrue(encoding.getMessage().contains("StreamProgress"), encoding.getMessage());
    }
}

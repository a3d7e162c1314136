package io.floodwatch.schema.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;

class AvroSerdeTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final String OLD_REQUEST_EVENT = "floodwatch/schemas/history/RequestEvent-v0.avsc";

    private final AvroSerde<RequestEvent> requests = AvroSerde.of(RequestEvent.class);

    @Test
    void shouldReturnAnEqualRequestEventWhenItIsSerializedAndDeserialized() {
        // Given
        RequestEvent event = RequestEvent.newBuilder()
            .setTimestamp(T0)
            .setSourceIp("2001:db8::7")
            .setMethod("POST")
            .setPath("/api/v1/auth/register")
            .setStatus(201)
            .setLatencyMs(12)
            .setRegion("CN")
            .setUserAgent("curl/8.5")
            .setAccountId(null)
            .setGatewayId("edge-1")
            .setRequestId("req-42")
            .build();

        // When
        RequestEvent decoded = requests.deserialize("requests", requests.serialize("requests", event));

        // Then
        assertEquals(event, decoded);
    }

    @Test
    void shouldReturnAnEqualMitigationCommandWhenItIsSerializedAndDeserialized() {
        // Given
        AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
        MitigationCommand command = MitigationCommand.newBuilder()
            .setCommandId("6f1c0b8e-0000-3000-8000-000000000001")
            .setAction(MitigationAction.RESTRICT_REGISTRATION)
            .setScope(MitigationScope.ENDPOINT)
            .setTarget("POST /api/v1/auth/register")
            .setAllowedRegions(List.of("DE", "US"))
            .setRateLimitPerSecond(null)
            .setMode(MitigationMode.ENFORCE)
            .setDetectedAt(T0)
            .setIssuedAt(T0 + 5)
            .setExpiresAt(T0 + 3_600_000)
            .setReason("registration surge")
            .setEvidence(Map.of("foreignShare", 0.8))
            .setRule("registration-region-shift")
            .build();

        // When
        MitigationCommand decoded = serde.deserializer().deserialize("mitigations",
            serde.serializer().serialize("mitigations", command));

        // Then
        assertEquals(command, decoded);
    }

    @Test
    void shouldStartWithTheSingleObjectMarkerAndFingerprintWhenEncoded() {
        // Given
        RequestEvent event = minimalEvent();

        // When
        byte[] bytes = requests.serialize("requests", event);

        // Then
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(RequestEvent.getClassSchema()), fingerprint);
    }

    @Test
    void shouldThrowSerializationExceptionWhenBytesAreNotAnEncodedRecord() {
        // Given
        byte[] garbage = {0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d};
        byte[] unknownFingerprint = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
        byte[] truncated = Arrays.copyOf(requests.serialize("requests", minimalEvent()), 12);

        // When
        SerializationException error = assertThrows(SerializationException.class,
            () -> requests.deserialize("requests", garbage));

        // Then
        assertNotNull(error.getMessage());
        assertThrows(SerializationException.class, () -> requests.deserialize("requests", unknownFingerprint));
        assertThrows(SerializationException.class, () -> requests.deserialize("requests", truncated));
    }

    @Test
    void shouldDecodeWithDefaultsWhenTheWriterUsedAnOlderSchema() throws IOException {
        // Given
        Schema oldSchema = oldRequestEventSchema();
        GenericRecord old = new GenericData.Record(oldSchema);
        old.put("timestamp", T0);
        old.put("sourceIp", "203.0.113.7");
        old.put("method", "GET");
        old.put("path", "/api/v1/models");
        old.put("status", 200);
        old.put("region", "US");
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), oldSchema).encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        // When
        RequestEvent decoded = AvroSerde.of(RequestEvent.class).deserialize("requests", bytes);

        // Then
        assertEquals(T0, decoded.getTimestamp());
        assertEquals("203.0.113.7", decoded.getSourceIp());
        assertEquals("/api/v1/models", decoded.getPath());
        assertEquals(200, decoded.getStatus());
        assertEquals("US", decoded.getRegion());
        assertNull(decoded.getLatencyMs());
        assertNull(decoded.getGatewayId());
        assertNull(decoded.getRequestId());
    }

    @Test
    void shouldPassNullThroughWhenTheRecordIsATombstone() {
        // Given
        RequestEvent tombstone = null;

        // When
        byte[] bytes = requests.serialize("requests", tombstone);

        // Then
        assertNull(bytes);
        assertNull(requests.deserialize("requests", null));
    }

    private static RequestEvent minimalEvent() {
        return RequestEvent.newBuilder().setTimestamp(T0).setSourceIp("203.0.113.7").setMethod("GET").setPath("/")
            .setStatus(200).build();
    }

    private static Schema oldRequestEventSchema() throws IOException {
        try (InputStream in = AvroSerdeTest.class.getClassLoader().getResourceAsStream(OLD_REQUEST_EVENT)) {
            assertNotNull(in, OLD_REQUEST_EVENT + " on the test class path");
            Schema schema = new Schema.Parser().parse(in);
            assertEquals(RequestEvent.getClassSchema().getFullName(), schema.getFullName());
            return schema;
        }
    }
}

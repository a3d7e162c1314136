package io.floodwatch.schema.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.RequestEvent;

class PlainJsonTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldWriteUnionValuesUnwrappedWhenOptionalFieldsAreSet() throws Exception {
        // Given
        RequestEvent event = event().setLatencyMs(25).setRegion("CN").build();

        // When
        JsonNode json = MAPPER.readTree(PlainJson.toJson(event));

        // Then
        assertTrue(json.get("region").isTextual(), json.toString());
        assertEquals("CN", json.get("region").asText());
        assertTrue(json.get("latencyMs").isIntegralNumber(), json.toString());
        assertEquals(25, json.get("latencyMs").asInt());
        assertEquals(T0, json.get("timestamp").asLong());
    }

    @Test
    void shouldWriteNullsWhenOptionalFieldsAreUnset() throws Exception {
        // Given
        RequestEvent event = event().build();

        // When
        JsonNode json = MAPPER.readTree(PlainJson.toBytes(event));

        // Then
        for (String field : List.of("latencyMs", "region", "userAgent", "accountId", "gatewayId", "requestId")) {
            assertTrue(json.has(field), field + " is written");
            assertTrue(json.get(field).isNull(), field + " is null");
        }
    }

    @Test
    void shouldWriteEnumSymbolsArraysAndNestedRecordsWhenRecordHasThem() throws Exception {
        // Given
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("foreignShare", 0.123456789);
        evidence.put("notANumber", Double.NaN);
        MitigationCommand command = MitigationCommand.newBuilder()
            .setCommandId("id-1")
            .setAction(MitigationAction.RESTRICT_REGISTRATION)
            .setScope(MitigationScope.ENDPOINT)
            .setTarget("POST /api/v1/auth/register")
            .setAllowedRegions(List.of("DE", "US"))
            .setMode(MitigationMode.DRY_RUN)
            .setDetectedAt(T0)
            .setIssuedAt(T0)
            .setExpiresAt(T0 + 1)
            .setReason("surge")
            .setEvidence(evidence)
            .build();
        MitigationState state = MitigationState.newBuilder().setCommand(command).setLastSeenAt(T0).build();

        // When
        JsonNode json = MAPPER.readTree(PlainJson.toJson(state));

        // Then
        JsonNode nested = json.get("command");
        assertEquals("RESTRICT_REGISTRATION", nested.get("action").asText());
        assertEquals("ENDPOINT", nested.get("scope").asText());
        assertEquals("DRY_RUN", nested.get("mode").asText());
        assertEquals("DE", nested.get("allowedRegions").get(0).asText());
        assertEquals(2, nested.get("allowedRegions").size());
        assertEquals(0.123457, nested.get("evidence").get("foreignShare").asDouble(), 1e-12, "rounded to 6 decimals");
        assertTrue(nested.get("evidence").get("notANumber").isNull(), "non-finite numbers are not valid JSON");
        assertTrue(nested.get("rateLimitPerSecond").isNull());
        assertEquals(T0, json.get("lastSeenAt").asLong());
    }

    @Test
    void shouldOmitByteFieldsWhenRecordHasBytes() throws Exception {
        // Given
        EndpointTick tick = EndpointTick.newBuilder()
            .setRoute("GET /api/v1/models")
            .setWindowStart(T0)
            .setRequests(3)
            .setClientErrors(1)
            .setServerErrors(0)
            .setRegionCounts(Map.of("US", 3L))
            .setSourcesSketch(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .build();

        // When
        JsonNode json = MAPPER.readTree(PlainJson.toJson(tick));

        // Then
        assertFalse(json.has("sourcesSketch"), json.toString());
        assertEquals(3, json.get("regionCounts").get("US").asLong());
        assertEquals("GET /api/v1/models", json.get("route").asText());
    }

    @Test
    void shouldWriteTheSameBytesWhenUsedAsAKafkaSerializer() {
        // Given
        RequestEvent event = event().setRegion("US").build();
        Serializer<RequestEvent> serializer = PlainJson.serializer();

        // When
        byte[] bytes = serializer.serialize("anomalies", event);

        // Then
        assertArrayEquals(PlainJson.toBytes(event), bytes);
        assertNull(serializer.serialize("anomalies", null));
    }

    private static RequestEvent.Builder event() {
        return RequestEvent.newBuilder().setTimestamp(T0).setSourceIp("203.0.113.7").setMethod("GET")
            .setPath("/api/v1/models").setStatus(200);
    }
}

package io.floodwatch.schema.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.floodwatch.schema.RequestEvent;

class RequestEventJsonTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final String REQUIRED = "\"timestamp\": 1737936000000, \"sourceIp\": \"203.0.113.7\", "
        + "\"method\": \"GET\", \"path\": \"/api/v1/models\", \"status\": 200";

    @Test
    void shouldReadEveryFieldWhenTheObjectIsValid() {
        // Given
        String json = "{" + REQUIRED + ", \"latencyMs\": 25, \"region\": \"CN\", \"userAgent\": \"curl/8.5\","
            + " \"accountId\": null, \"gatewayId\": \"edge-1\", \"requestId\": \"req-42\"}";

        // When
        RequestEvent event = RequestEventJson.parse(utf8(json));

        // Then
        assertEquals(T0, event.getTimestamp());
        assertEquals("203.0.113.7", event.getSourceIp());
        assertEquals("GET", event.getMethod());
        assertEquals("/api/v1/models", event.getPath());
        assertEquals(200, event.getStatus());
        assertEquals(25, event.getLatencyMs());
        assertEquals("CN", event.getRegion());
        assertEquals("curl/8.5", event.getUserAgent());
        assertNull(event.getAccountId());
        assertEquals("edge-1", event.getGatewayId());
        assertEquals("req-42", event.getRequestId());
    }

    @Test
    void shouldConvertTheTimestampWhenItIsIsoTextWithAnOffset() {
        // Given
        String json = "{" + REQUIRED.replace("1737936000000", "\"2025-01-27T01:00:00.250+01:00\"") + "}";

        // When
        RequestEvent event = new RequestEventJson().deserialize("requests-json", utf8(json));

        // Then
        assertEquals(T0 + 250, event.getTimestamp());
    }

    @Test
    void shouldIgnoreUnknownFieldsWhenTheyArePresent() {
        // Given
        String json = "{\"tls\": {\"version\": \"1.3\", \"ciphers\": [1, 2, [3]]}, " + REQUIRED + ", \"extra\": null}";

        // When
        RequestEvent event = RequestEventJson.parse(utf8(json));

        // Then
        assertEquals("/api/v1/models", event.getPath());
        assertNull(event.getRegion());
        assertNull(event.getLatencyMs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"timestamp", "sourceIp", "method", "path", "status"})
    void shouldRejectNamingTheFieldWhenARequiredFieldIsMissing(String field) {
        // Given
        String json = "{" + Stream.of(REQUIRED.split(", "))
            .filter(pair -> !pair.startsWith("\"" + field + "\""))
            .reduce((a, b) -> a + ", " + b).orElseThrow() + "}";

        // When
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(utf8(json)));

        // Then
        assertEquals("missing required field '" + field + "'", error.getMessage());
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
            Arguments.of("\"status\": \"200\"", "field 'status' must be an integer"),
            Arguments.of("\"status\": 3000000000", "field 'status' is out of range"),
            Arguments.of("\"latencyMs\": 2.5", "field 'latencyMs' must be an integer"),
            Arguments.of("\"sourceIp\": 2130706433", "field 'sourceIp' must be a string"),
            Arguments.of("\"region\": [\"CN\"]", "field 'region' must be a string"),
            Arguments.of("\"timestamp\": true", "field 'timestamp' must be a number"),
            Arguments.of("\"timestamp\": \"2025-01-27T00:00:00\"", "field 'timestamp' is neither epoch milliseconds"),
            Arguments.of("\"timestamp\": \"yesterday\"", "field 'timestamp' is neither epoch milliseconds"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void shouldRejectNamingTheFieldWhenAValueHasTheWrongType(String badField, String expectedReason) {
        // Given the bad value last, so that it overrides any valid one
        String json = "{" + REQUIRED + ", " + badField + "}";

        // When
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(utf8(json)));

        // Then
        assertTrue(error.getMessage().startsWith(expectedReason), error.getMessage());
    }

    @Test
    void shouldRejectTheEventWhenDataFollowsTheObject() {
        // Given
        byte[] secondObject = utf8("{" + REQUIRED + "} {}");
        byte[] garbage = utf8("{" + REQUIRED + "} garbage");
        byte[] extraBrace = utf8("{" + REQUIRED + "}}");

        // When
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(secondObject));

        // Then
        assertEquals("trailing data after the JSON object", error.getMessage());
        assertTrue(assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(garbage)).getMessage()
            .startsWith("unparseable JSON"));
        assertTrue(assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(extraBrace)).getMessage()
            .startsWith("unparseable JSON"));
    }

    @Test
    void shouldRejectTheEventWhenTheInputIsOversized() {
        // Given
        String padding = " ".repeat(RequestEventJson.MAX_BYTES);
        byte[] tooLarge = utf8("{" + REQUIRED + "}" + padding);
        byte[] longString = utf8("{" + REQUIRED + ", \"userAgent\": \"" + "a".repeat(RequestEventJson.MAX_STRING + 1)
            + "\"}");

        // When
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(tooLarge));

        // Then
        assertTrue(error.getMessage().contains("exceeds the limit of " + RequestEventJson.MAX_BYTES), error.getMessage());
        assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(longString));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2]", "\"text\"", "42", "null", ""})
    void shouldRejectTheEventWhenTheInputIsNotAnObject(String json) {
        // Given a JSON document that is not an object

        // When
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> RequestEventJson.parse(utf8(json)));

        // Then
        assertEquals("not a JSON object", error.getMessage());
        assertThrows(InvalidEventException.class, () -> new RequestEventJson().deserialize("requests-json", null));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRejectWithAReasonWhenTheTimestampIsBeyondEpochMilliseconds() {
        // Given an ISO-8601 time that parses but does not fit in a long of milliseconds
        byte[] json = ("{\"timestamp\": \"+999999999-12-31T23:59:59Z\", \"sourceIp\": \"203.0.113.7\", "
            + "\"method\": \"GET\", \"path\": \"/\", \"status\": 200}").getBytes(StandardCharsets.UTF_8);

        // When
        InvalidEventException e = assertThrows(InvalidEventException.class,
            () -> RequestEventJson.parse(json));

        // Then
        assertTrue(e.getMessage().contains("timestamp"), e.getMessage());
    }
}

package io.floodwatch.gateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.RequestEventJson;

class AccessLogLinesTest {

    @Test
    void shouldReadTheEventBehindTheSyslogHeaderWhenNginxSendsIt() {
        // Given a line as nginx's log_format floodwatch writes it, with an empty account header
        String line = "<190>Dec  2 03:31:00 edge-1 nginx: {\"timestamp\":1796180000123,\"sourceIp\":\"203.0.113.7\","
            + "\"method\":\"POST\",\"path\":\"/api/v1/auth/register?x=1\",\"status\":403,\"region\":\"US\","
            + "\"userAgent\":\"curl/8.5\",\"accountId\":\"\",\"gatewayId\":\"edge-1\",\"requestId\":\"abc\"}\n";

        // When
        RequestEvent event = AccessLogLines.parse(line);

        // Then
        assertEquals(1796180000123L, event.getTimestamp());
        assertEquals("203.0.113.7", event.getSourceIp());
        assertEquals("/api/v1/auth/register?x=1", event.getPath());
        assertEquals(403, event.getStatus());
        assertEquals("US", event.getRegion());
        assertNull(event.getAccountId(), "an empty header is no account");
    }

    @Test
    void shouldSayWhyWhenTheLineHoldsNoValidEvent() {
        // Given
        String noJson = "<190>Dec  2 03:31:00 edge-1 nginx: GET / 200";
        String missingIp = "{\"timestamp\":1,\"method\":\"GET\",\"path\":\"/\",\"status\":200}";
        String broken = "{\"timestamp\":1,\"sourceIp\":\"203.0.113.7\",";

        // When
        InvalidEventException none = assertThrows(InvalidEventException.class, () -> AccessLogLines.parse(noJson));
        InvalidEventException missing = assertThrows(InvalidEventException.class, () -> AccessLogLines.parse(missingIp));
        InvalidEventException cut = assertThrows(InvalidEventException.class, () -> AccessLogLines.parse(broken));

        // Then
        assertEquals("no JSON object in the line", none.getMessage());
        assertTrue(missing.getMessage().contains("sourceIp"), missing.getMessage());
        assertTrue(cut.getMessage().contains("JSON"), cut.getMessage());
    }

    @Test
    void shouldCutTheTextAndKeepTheEventWhenAClientPadsItsUserAgent() {
        // Given a user agent padded far beyond the contract's limit
        String padded = "x".repeat(RequestEventJson.MAX_STRING * 3);
        String line = "{\"timestamp\":1796180000123,\"sourceIp\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\","
            + "\"status\":200,\"userAgent\":\"" + padded + "\"}";

        // When
        RequestEvent event = AccessLogLines.parse(line);

        // Then
        assertEquals("203.0.113.7", event.getSourceIp());
        assertEquals(RequestEventJson.MAX_STRING, event.getUserAgent().length());
    }
}

package io.floodwatch.schema.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.floodwatch.schema.RequestEvent;

class CombinedLogFormatTest {

    @Test
    void shouldReadEveryFieldWhenTheLineIsCombined() {
        // Given
        String line = "203.0.113.7 - - [27/Jan/2025:13:55:36 +0800] \"POST /api/v1/auth/login?next=%2F HTTP/1.1\" 401 53"
            + " \"https://chat.example/\" \"Mozilla/5.0 (X11; Linux x86_64) \\\"quoted\\\" Firefox/133.0\"";

        // When
        RequestEvent event = CombinedLogFormat.parse(line);

        // Then
        assertEquals(Instant.parse("2025-01-27T05:55:36Z").toEpochMilli(), event.getTimestamp());
        assertEquals("203.0.113.7", event.getSourceIp());
        assertEquals("POST", event.getMethod());
        assertEquals("/api/v1/auth/login?next=%2F", event.getPath());
        assertEquals(401, event.getStatus());
        assertEquals("Mozilla/5.0 (X11; Linux x86_64) \"quoted\" Firefox/133.0", event.getUserAgent());
        assertNull(event.getAccountId());
        assertNull(event.getRegion(), "an access log has no region");
    }

    @Test
    void shouldReadTheCommonFormatAndExtraFieldsWhenTheServerLogsThem() {
        // Given a common line with an authenticated user, and an nginx line with the request time after the agent
        String common = "2001:db8::1 - alice [01/Feb/2025:00:00:00 +0000] \"GET / HTTP/1.0\" 200 -";
        String extended = "198.51.100.4 - - [01/Feb/2025:00:00:01 +0000] \"GET /x HTTP/2.0\" 304 0 \"-\" \"curl/8.5.0\" 0.004";

        // When
        RequestEvent fromCommon = CombinedLogFormat.parse(common);
        RequestEvent fromExtended = CombinedLogFormat.parse(extended);

        // Then
        assertEquals("alice", fromCommon.getAccountId());
        assertEquals("2001:db8::1", fromCommon.getSourceIp());
        assertNull(fromCommon.getUserAgent());
        assertEquals("curl/8.5.0", fromExtended.getUserAgent());
        assertEquals(304, fromExtended.getStatus());
    }

    @Test
    void shouldRejectWithTheReasonWhenTheLineIsNotALogLine() {
        // Given
        String garbage = "\u0016\u0003\u0001 binary handshake";
        String badRequest = "203.0.113.7 - - [27/Jan/2025:13:55:36 +0800] \"\\x16\\x03\" 400 0 \"-\" \"-\"";
        String badTime = "203.0.113.7 - - [yesterday] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"";
        String badAddress = "203.0.1*3.7 - - [27/Jan/2025:13:55:36 +0800] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"";

        // When
        InvalidEventException notALine = assertThrows(InvalidEventException.class, () -> CombinedLogFormat.parse(garbage));
        InvalidEventException notARequest = assertThrows(InvalidEventException.class, () -> CombinedLogFormat.parse(badRequest));
        InvalidEventException notATime = assertThrows(InvalidEventException.class, () -> CombinedLogFormat.parse(badTime));
        InvalidEventException notAnAddress = assertThrows(InvalidEventException.class, () -> CombinedLogFormat.parse(badAddress));

        // Then
        assertTrue(notALine.getMessage().startsWith("not a combined or common log line"), notALine.getMessage());
        assertFalse(notALine.getMessage().contains("\u0016"), "control characters are not echoed");
        assertTrue(notARequest.getMessage().startsWith("request line is not"), notARequest.getMessage());
        assertTrue(notATime.getMessage().startsWith("time is not"), notATime.getMessage());
        assertTrue(notAnAddress.getMessage().startsWith("client address is not"), notAnAddress.getMessage());
    }

    @Test
    void shouldTellLogLinesFromJsonWhenSniffingTheFirstCharacters() {
        assertTrue(CombinedLogFormat.looksLike("203.0.113.7 - - [27/Jan/2025:13:55:36 +0800] \"GET / HTTP/1.1\" 200 1"));
        assertFalse(CombinedLogFormat.looksLike("{\"sourceIp\":\"203.0.113.7\"}"));
        assertFalse(CombinedLogFormat.looksLike(""));
    }
}

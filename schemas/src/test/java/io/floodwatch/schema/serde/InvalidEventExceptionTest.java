package io.floodwatch.schema.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InvalidEventExceptionTest {

    @Test
    void shouldReplaceControlCharactersWhenExcerptingUntrustedText() {
        // Given
        String untrusted = "GET\r\nX-Injected: 1\t\u0000\u001b[31m\u007f";

        // When
        String excerpt = InvalidEventException.excerpt(untrusted);

        // Then
        assertEquals("GET??X-Injected: 1???[31m?", excerpt);
    }

    @Test
    void shouldReplaceSurrogatesWhenTextContainsCharactersOutsideTheBasicPlane() {
        // Given
        String untrusted = "a\uD83D\uDE00b";

        // When
        String excerpt = InvalidEventException.excerpt(untrusted);

        // Then
        assertEquals("a??b", excerpt);
    }

    @Test
    void shouldCapTheLengthWhenTextIsLong() {
        // Given
        String untrusted = "x".repeat(1_000);

        // When
        String excerpt = InvalidEventException.excerpt(untrusted);
        String shortExcerpt = InvalidEventException.excerpt(untrusted, 5);

        // Then
        assertEquals("x".repeat(64) + "...", excerpt);
        assertEquals("xxxxx...", shortExcerpt);
    }

    @Test
    void shouldKeepTheTextWhenItIsShortAndPrintable() {
        // Given
        String exactlyAtCap = "y".repeat(64);

        // When
        String excerpt = InvalidEventException.excerpt(exactlyAtCap);

        // Then
        assertEquals(exactlyAtCap, excerpt);
        assertEquals("203.0.113.7 — é", InvalidEventException.excerpt("203.0.113.7 — é"));
        assertEquals("null", InvalidEventException.excerpt(null));
    }

    @Test
    void shouldCarryTheReasonWithoutAStackTraceWhenCreated() {
        // Given
        String reason = "missing required field 'path'";

        // When
        InvalidEventException exception = new InvalidEventException(reason);

        // Then
        assertEquals(reason, exception.getMessage());
        assertEquals(0, exception.getStackTrace().length, "bad input is expected traffic, not a bug");
    }
}

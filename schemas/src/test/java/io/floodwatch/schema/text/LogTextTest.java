package io.floodwatch.schema.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void shouldReplaceControlCharactersAndCutTheTextWhenItIsLongOrForgesLines() {
        // Given
        String forged = "/login\n12:00:00 INFO admin logged in\u001b[31m";
        String long_ = "a".repeat(LogText.MAX_LENGTH + 50);

        // When
        String safe = LogText.bounded(forged);
        String cut = LogText.bounded(long_);

        // Then
        assertEquals("/login?12:00:00 INFO admin logged in?[31m", safe);
        assertEquals(LogText.MAX_LENGTH + 1, cut.length());
        assertTrue(cut.endsWith("…"));
        assertEquals("null", LogText.bounded(null));
    }
}

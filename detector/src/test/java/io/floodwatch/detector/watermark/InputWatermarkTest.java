package io.floodwatch.detector.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InputProgressTest {

    @Test
    void shouldReportTheLatestEventTimeWhenInputKeepsComing() {
        // Given
        InputWatermark input = new InputWatermark(5_000, 0);

        // When
        input.observe(1_000_000);
        input.observe(999_000);
        long watermark = input.watermark(100);

        // Then
        assertEquals(1_000_000, watermark);
    }

    @Test
    void shouldAdvanceWithTheWallClockWhenTheInputIsSilentForLongerThanTheIdleTime() {
        // Given
        InputWatermark input = new InputWatermark(5_000, 0);
        input.observe(1_000_000);
        input.watermark(1_000);

        // When
        long shortSilence = input.watermark(4_000);
        long longSilence = input.watermark(9_000);

        // Then
        assertEquals(1_000_000, shortSilence);
        assertEquals(1_003_000, longSilence);
    }

    @Test
    void shouldBeIdleWithoutProgressWhenNothingWasReadSinceStart() {
        // Given
        InputWatermark input = new InputWatermark(5_000, 0);

        // When
        boolean early = input.idle(4_000);
        boolean later = input.idle(6_000);

        // Then
        assertFalse(early);
        assertTrue(later);
        assertEquals(Long.MIN_VALUE, input.watermark(6_000));
    }
}

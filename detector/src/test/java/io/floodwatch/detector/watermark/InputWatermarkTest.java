package io.floodwatch.detector.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InputProgressTest {

    @Test
    void shouldReportTheLatestEventTimeWhenInputKeepsComing() {
        // Given
        InputWatermark input = new InputWatermark(5_000, 0, () -> true);

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
        InputWatermark input = new InputWatermark(5_000, 0, () -> true);
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
        InputWatermark input = new InputWatermark(5_000, 0, () -> true);

        // When
        boolean early = input.idle(4_000);
        boolean later = input.idle(6_000);

        // Then
        assertFalse(early);
        assertTrue(later);
        assertEquals(Long.MIN_VALUE, input.watermark(6_000));
    }

    @Test
    void shouldNotAdvanceWithTheWallClockWhenTheSilentInputStillHasABacklog() {
        // Given an input read up to 1,000,000 whose partition still holds records the task has not read yet
        boolean[] caughtUp = {false};
        InputWatermark input = new InputWatermark(5_000, 0, () -> caughtUp[0]);
        input.observe(1_000_000);
        input.watermark(1_000);

        // When the task hears nothing for a long time while behind, then catches up and hears nothing for 6 s more
        long behind = input.watermark(60_000);
        caughtUp[0] = true;
        long justCaughtUp = input.watermark(61_000);
        long silent = input.watermark(67_000);

        // Then its progress stays at its last record while it is behind, and its silence counts from the last time it
        // was seen behind (60 s): 7 s, 2 s over the idle time
        assertEquals(1_000_000, behind);
        assertEquals(1_000_000, justCaughtUp);
        assertEquals(1_002_000, silent);
    }

    @Test
    void shouldNotBeIdleWhenNothingWasReadYetButThePartitionHasABacklog() {
        // Given a task that started with a backlog on its partition and has not read any of it yet
        boolean[] caughtUp = {false};
        InputWatermark input = new InputWatermark(5_000, 0, () -> caughtUp[0]);

        // When much more than the idle time passes, then the partition turns out to be empty after all
        boolean behind = input.idle(60_000);
        caughtUp[0] = true;
        boolean early = input.idle(61_000);
        boolean later = input.idle(67_000);

        // Then it is idle only once it has been caught up for the idle time
        assertFalse(behind);
        assertFalse(early);
        assertTrue(later);
    }
}

package io.floodwatch.detector.rates;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceMemoryTest {

    private static final long DAY_MS = 86_400_000L;
    private static final long T0 = 1_737_936_000_000L;

    @Test
    void shouldTakeASourceForReturningOnlyWhenThePreviousGenerationSawIt() {
        // Given
        SourceMemory memory = new SourceMemory(DAY_MS, 10_000, 0.01);

        // When / Then
        assertFalse(memory.observe(42, T0), "never seen");
        assertFalse(memory.observe(42, T0 + 1_000), "seen today only: still new");
        assertTrue(memory.observe(42, T0 + DAY_MS), "seen yesterday");
        assertFalse(memory.observe(7, T0 + DAY_MS), "never seen");
        assertFalse(memory.observe(42, T0 + 3 * DAY_MS), "not seen for two days: forgotten");
    }

    @Test
    void shouldRememberWhatItSawWhenRestoredFromASnapshot() {
        // Given
        SourceMemory memory = new SourceMemory(DAY_MS, 10_000, 0.01);
        for (long source = 0; source < 1_000; source++) {
            memory.observe(source, T0);
        }

        // When
        SourceMemory restored = new SourceMemory(DAY_MS, 10_000, 0.01);
        restored.restore(memory.snapshot());

        // Then
        int returning = 0;
        for (long source = 0; source < 1_000; source++) {
            returning += restored.observe(source, T0 + DAY_MS) ? 1 : 0;
        }
        int falsePositives = 0;
        for (long source = 1_000_000; source < 1_010_000; source++) {
            falsePositives += restored.observe(source, T0 + DAY_MS) ? 1 : 0;
        }
        assertTrue(returning == 1_000, "every source seen is returning: " + returning);
        assertTrue(falsePositives < 300, "about 1% of new sources taken for returning: " + falsePositives);
    }

    @Test
    void shouldIgnoreASnapshotWhenItsFiltersHaveAnotherSize() {
        // Given
        SourceMemory small = new SourceMemory(DAY_MS, 1_000, 0.01);
        small.observe(42, T0);
        SourceMemory large = new SourceMemory(DAY_MS, 100_000, 0.01);

        // When
        large.restore(small.snapshot());

        // Then
        assertFalse(large.observe(42, T0 + DAY_MS));
    }
}

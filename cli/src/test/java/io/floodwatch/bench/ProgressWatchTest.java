package io.floodwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ProgressWatchTest {

    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);
    private static final TopicPartition EMPTY = new TopicPartition("requests", 2);
    private static final Map<TopicPartition, Long> END = Map.of(P0, 500_381L, P1, 499_619L, EMPTY, 0L);
    private static final long STALL_MS = 120_000;

    @Test
    void shouldBeDoneWhenEveryNonEmptyPartitionReachedItsEnd() {
        // Given
        ProgressWatch watch = new ProgressWatch(END, STALL_MS, 0);

        // When
        ProgressWatch.Status status = watch.observe(Map.of(P0, 500_381L, P1, 499_619L), 1_000);

        // Then
        assertEquals(ProgressWatch.Status.DONE, status);
    }

    @Test
    void shouldKeepAdvancingWhileAnyPartitionMovesWithinTheStallTimeout() {
        // Given
        ProgressWatch watch = new ProgressWatch(END, STALL_MS, 0);
        watch.observe(Map.of(P0, 24_000L), 1_000);

        // When
        ProgressWatch.Status standing = watch.observe(Map.of(P0, 24_000L), 100_000);
        ProgressWatch.Status moved = watch.observe(Map.of(P0, 24_000L, P1, 10L), 200_000);
        ProgressWatch.Status later = watch.observe(Map.of(P0, 24_000L, P1, 10L), 319_999);

        // Then
        assertEquals(ProgressWatch.Status.ADVANCING, standing);
        assertEquals(ProgressWatch.Status.ADVANCING, moved);
        assertEquals(ProgressWatch.Status.ADVANCING, later);
    }

    @Test
    void shouldStallWhenNoOffsetAdvancedForTheStallTimeout() {
        // Given
        ProgressWatch watch = new ProgressWatch(END, STALL_MS, 0);
        watch.observe(Map.of(P0, 24_000L, P1, 23_000L), 5_000);

        // When
        ProgressWatch.Status status = watch.observe(Map.of(P0, 24_000L, P1, 23_000L), 125_000);

        // Then
        assertEquals(ProgressWatch.Status.STALLED, status);
    }

    @Test
    void shouldStallWhenTheReaderNeverCommitsAnything() {
        // Given
        ProgressWatch watch = new ProgressWatch(END, STALL_MS, 0);

        // When
        ProgressWatch.Status early = watch.observe(Map.of(), 119_999);
        ProgressWatch.Status status = watch.observe(Map.of(), 120_000);

        // Then
        assertEquals(ProgressWatch.Status.ADVANCING, early);
        assertEquals(ProgressWatch.Status.STALLED, status);
    }

    @Test
    void shouldNameTheStuckPartitionsAndTheRecordsDeletedBeforeTheyWereRead() {
        // Given
        ProgressWatch watch = new ProgressWatch(END, STALL_MS, 0);
        watch.observe(Map.of(P0, 24_000L, P1, 499_619L), 1_000);

        // When
        String message = watch.stallMessage("the detector's committed offsets", Map.of(P0, 500_381L, P1, 0L, EMPTY, 0L));

        // Then
        assertEquals("the detector's committed offsets did not advance for 120 s: requests-0 at 24,000 of 500,381"
            + " (log starts at 500,381); the broker deleted 476,381 records before they were read (retention?)", message);
        assertFalse(message.contains("\n"));
    }

    @Test
    void shouldNotBlameRetentionWhenTheLogStartIsUnknown() {
        // Given
        ProgressWatch watch = new ProgressWatch(END, STALL_MS, 0);

        // When
        String message = watch.stallMessage("the ceiling consumer's positions", Map.of());

        // Then
        assertTrue(message.endsWith("requests-0 at 0 of 500,381, requests-1 at 0 of 499,619"), message);
    }
}

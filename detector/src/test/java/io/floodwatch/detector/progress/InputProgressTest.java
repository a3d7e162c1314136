package io.floodwatch.detector.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InputProgressTest {

    private static final long STALL_MS = 60_000;
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    private static PartitionOffsets offsets(TopicPartition tp, Long committed, long logStart, long end) {
        return new PartitionOffsets(tp, committed, logStart, end, null, null);
    }

    @Test
    void shouldStallOnceWhenACommittedOffsetStaysBehindTheEndForTheStallTime() {
        // Given
        InputProgress progress = new InputProgress(STALL_MS);
        progress.observe(0, List.of(offsets(P0, 100L, 0, 500), offsets(P1, 500L, 0, 500)), true);

        // When
        InputProgress.Check before = progress.observe(59_999, List.of(offsets(P0, 100L, 0, 500), offsets(P1, 500L, 0, 500)), true);
        InputProgress.Check at = progress.observe(60_000, List.of(offsets(P0, 100L, 0, 500), offsets(P1, 500L, 0, 500)), true);
        InputProgress.Check later = progress.observe(65_000, List.of(offsets(P0, 100L, 0, 500), offsets(P1, 500L, 0, 500)), true);

        // Then
        assertFalse(before.partitions().get(0).stalled());
        assertTrue(at.stallStarted());
        assertEquals(List.of("requests-0"), at.newlyStalled().stream().map(PartitionLag::name).toList());
        assertFalse(at.partitions().get(1).stalled(), "a caught-up partition is never stalled");
        assertFalse(later.stallStarted(), "one stall, reported once");
        assertTrue(later.newlyStalled().isEmpty());
        assertTrue(later.partitions().get(0).stalled());
    }

    @Test
    void shouldNotStallWhenTheCommittedOffsetAdvancesWhileBehind() {
        // Given
        InputProgress progress = new InputProgress(STALL_MS);

        // When
        progress.observe(0, List.of(offsets(P0, 100L, 0, 10_000)), true);
        progress.observe(40_000, List.of(offsets(P0, 2_000L, 0, 12_000)), true);
        InputProgress.Check check = progress.observe(90_000, List.of(offsets(P0, 4_000L, 0, 14_000)), true);

        // Then
        assertFalse(check.partitions().get(0).stalled());
        assertEquals(10_000, check.partitions().get(0).lagRecords());
    }

    @Test
    void shouldEndTheStallWhenTheStuckPartitionMovesAgain() {
        // Given
        InputProgress progress = new InputProgress(STALL_MS);
        progress.observe(0, List.of(offsets(P0, 100L, 0, 500)), true);
        assertTrue(progress.observe(60_000, List.of(offsets(P0, 100L, 0, 500)), true).stallStarted());

        // When
        InputProgress.Check moved = progress.observe(65_000, List.of(offsets(P0, 300L, 0, 500)), true);
        InputProgress.Check again = progress.observe(125_000, List.of(offsets(P0, 300L, 0, 500)), true);

        // Then
        assertTrue(moved.stallEnded());
        assertFalse(moved.partitions().get(0).stalled());
        assertTrue(again.stallStarted(), "a new stall is a new one");
    }

    @Test
    void shouldStallWhenTheGroupNeverCommittedAndRecordsWait() {
        // Given a group that never committed: it starts at the log start
        InputProgress progress = new InputProgress(STALL_MS);

        // When
        progress.observe(0, List.of(offsets(P0, null, 20, 500)), true);
        InputProgress.Check check = progress.observe(60_000, List.of(offsets(P0, null, 20, 500)), true);

        // Then
        assertTrue(check.stallStarted());
        assertEquals(480, check.partitions().get(0).lagRecords());
        assertTrue(check.losses().isEmpty(), "nothing was processed, so nothing counts as lost");
    }

    @Test
    void shouldNotStallWhileTheDetectorStarts() {
        // Given a detector restoring its state for longer than the stall time
        InputProgress progress = new InputProgress(STALL_MS);
        progress.observe(0, List.of(offsets(P0, 100L, 0, 500)), false);
        InputProgress.Check starting = progress.observe(90_000, List.of(offsets(P0, 100L, 0, 500)), false);

        // When
        InputProgress.Check started = progress.observe(100_000, List.of(offsets(P0, 100L, 0, 500)), true);
        InputProgress.Check stuck = progress.observe(150_000, List.of(offsets(P0, 100L, 0, 500)), true);

        // Then
        assertFalse(starting.stallStarted() || started.stallStarted());
        assertTrue(stuck.stallStarted(), "the clock runs from the start of processing");
    }

    @Test
    void shouldCountEachLostRangeOnceWhenTheLogStartPassesTheCommittedOffset() {
        // Given
        InputProgress progress = new InputProgress(STALL_MS);
        progress.observe(0, List.of(offsets(P0, 100L, 0, 500)), true);

        // When
        InputProgress.Check deleted = progress.observe(5_000, List.of(offsets(P0, 100L, 400, 500)), true);
        InputProgress.Check same = progress.observe(10_000, List.of(offsets(P0, 100L, 400, 500)), true);
        InputProgress.Check more = progress.observe(15_000, List.of(offsets(P0, 100L, 450, 600)), true);
        InputProgress.Check retention = progress.observe(20_000, List.of(offsets(P0, 600L, 550, 600)), true);

        // Then
        assertEquals(List.of(new InputProgress.Loss(P0, 100, 400)), deleted.losses());
        assertEquals(300, deleted.losses().get(0).count());
        assertEquals(100, deleted.partitions().get(0).lagRecords(), "lag counts from the log start");
        assertTrue(same.losses().isEmpty());
        assertEquals(List.of(new InputProgress.Loss(P0, 400, 450)), more.losses());
        assertTrue(retention.losses().isEmpty(), "records deleted after they were processed are not lost");
    }

    @Test
    void shouldMeasureEventTimeBehindWhenBothEndsDecode() {
        // Given
        InputProgress progress = new InputProgress(STALL_MS);

        // When
        InputProgress.Check check = progress.observe(0, List.of(
            new PartitionOffsets(P0, 100L, 0, 500, 1_000_252_000L, 1_000_000_000L),
            new PartitionOffsets(P1, 100L, 0, 500, 1_000_252_000L, null),
            new PartitionOffsets(new TopicPartition("requests", 2), 500L, 0, 500, null, null)), true);

        // Then
        assertEquals(252_000L, check.partitions().get(0).behindMs());
        assertNull(check.partitions().get(1).behindMs(), "unknown when a record does not decode");
        assertEquals(0L, check.partitions().get(2).behindMs(), "caught up is 0 behind");
    }

    @Test
    void shouldHoldReadinessOnlyForStalledPartitionsThisInstanceOrNoInstanceProcesses() {
        // Given
        List<PartitionLag> lags = List.of(new PartitionLag("requests", 0, 10, null, true, 5L, 0, 15),
            new PartitionLag("requests", 1, 0, 0L, false, 15L, 0, 15));

        // When / Then
        assertTrue(InputProgress.blocksReadiness(lags, Set.of(P0), Set.of(P0, P1)), "this instance's partition");
        assertFalse(InputProgress.blocksReadiness(lags, Set.of(P1), Set.of(P0, P1)), "another instance's partition");
        assertTrue(InputProgress.blocksReadiness(lags, Set.of(P1), Set.of(P1)), "nobody's partition");
        assertTrue(InputProgress.blocksReadiness(lags, Set.of(), Set.of()), "ownership unknown");
    }
}

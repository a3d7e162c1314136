package io.floodwatch.detector.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProgressReportTest {

    @Test
    void shouldSummarizeTheFurthestBehindPartitionWhenBehind() {
        // Given
        ProgressReport report = new ProgressReport(1, List.of(
            new PartitionLag("requests", 0, 1_000, 252_000L, false, 10L, 0, 1_010),
            new PartitionLag("requests", 1, 234, 30_000L, true, 10L, 0, 244),
            new PartitionLag("requests-json", 0, 0, 0L, false, 5L, 0, 5)), true, LateData.NONE);

        // When
        String summary = report.summary();

        // Then
        assertEquals("4 min 12 s behind (1,234 records); stalled: requests-1", summary);
        assertEquals(252_000L, report.behindMs());
        assertEquals(1_234, report.lagRecords());
        Map<String, Object> json = report.toJson();
        assertEquals(summary, json.get("summary"));
        assertEquals(3, ((List<?>) json.get("partitions")).size());
    }

    @Test
    void shouldSayCaughtUpOrUnknownWhenNothingOrNoEventTimeIsBehind() {
        // Given
        ProgressReport caughtUp = new ProgressReport(1, List.of(new PartitionLag("requests", 0, 0, 0L, false, 5L, 0, 5)),
            false, LateData.NONE);
        ProgressReport unknown = new ProgressReport(1, List.of(new PartitionLag("requests", 0, 1, null, false, 5L, 0, 6)),
            false, LateData.NONE);

        // When / Then
        assertEquals("caught up", caughtUp.summary());
        assertEquals(0L, caughtUp.behindMs());
        assertEquals("behind (event time unknown) (1 record)", unknown.summary());
        assertNull(unknown.behindMs());
        assertEquals("input progress not checked yet", ProgressReport.NONE.summary());
    }

    @Test
    void shouldReadDurationsAsPeopleDoWhenFormatted() {
        // When / Then
        assertEquals("850 ms", ProgressReport.duration(850));
        assertEquals("42 s", ProgressReport.duration(42_400));
        assertEquals("4 min", ProgressReport.duration(240_000));
        assertEquals("4 min 12 s", ProgressReport.duration(252_000));
        assertEquals("3 h 5 min", ProgressReport.duration(11_100_000));
        assertEquals("2 d 1 h", ProgressReport.duration(176_400_000));
    }
}

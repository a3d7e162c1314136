package io.floodwatch.detector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EventTimeExtractorTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long MAX_FUTURE_MS = 60_000L;
    private static final long DAY_MS = 86_400_000L;

    private final EventTimeExtractor extractor = new EventTimeExtractor(MAX_FUTURE_MS);

    @Test
    void shouldUseEventTimestampWhenItIsPlausible() {
        // Given
        long eventTimestamp = T0 + 1_234;
        long partitionTime = T0;
        long recordTimestamp = T0 + 9_999;

        // When
        long eventTime = extractor.eventTime(eventTimestamp, partitionTime, recordTimestamp, T0 + 2_000);

        // Then
        assertEquals(eventTimestamp, eventTime);
    }

    @Test
    void shouldUseEventTimestampWhenAReplayIsFarBehindTheWallClockAndPartitionTime() {
        // Given a replay of a month-old recording, produced today
        long now = T0 + 30 * DAY_MS;
        long eventTimestamp = T0;
        long partitionTime = T0 + 5_000;

        // When
        long eventTime = extractor.eventTime(eventTimestamp, partitionTime, now, now);

        // Then
        assertEquals(eventTimestamp, eventTime);
    }

    @Test
    void shouldKeepPartitionTimeWhenEventIsAheadOfTheWallClockBeyondTheSkew() {
        // Given
        long now = T0;
        long partitionTime = T0 - 1_000;

        // When
        long farFuture = extractor.eventTime(now + MAX_FUTURE_MS + 1, partitionTime, now, now);
        long year2999 = extractor.eventTime(32_503_680_000_000L, partitionTime, now, now);
        long withinSkew = extractor.eventTime(now + MAX_FUTURE_MS, partitionTime, now, now);

        // Then
        assertEquals(partitionTime, farFuture);
        assertEquals(partitionTime, year2999);
        assertEquals(now + MAX_FUTURE_MS, withinSkew);
    }

    @Test
    void shouldKeepPartitionTimeWhenEventIsBefore2000() {
        // Given
        long partitionTime = T0;

        // When
        long epochSeconds = extractor.eventTime(T0 / 1000, partitionTime, T0 + 1, T0);
        long justBefore = extractor.eventTime(RequestValidator.EARLIEST_TIMESTAMP - 1, partitionTime, T0 + 1, T0);
        long exactly2000 = extractor.eventTime(RequestValidator.EARLIEST_TIMESTAMP, partitionTime, T0 + 1, T0);

        // Then
        assertEquals(partitionTime, epochSeconds);
        assertEquals(partitionTime, justBefore);
        assertEquals(RequestValidator.EARLIEST_TIMESTAMP, exactly2000);
    }

    @Test
    void shouldFallBackToRecordTimestampWhenThereIsNoPartitionTimeYet() {
        // Given
        long noPartitionTime = -1;
        long recordTimestamp = T0 + 7;

        // When
        long implausible = extractor.eventTime(0, noPartitionTime, recordTimestamp, T0);
        long negativeRecordTimestamp = extractor.eventTime(0, noPartitionTime, -5, T0);

        // Then
        assertEquals(recordTimestamp, implausible);
        assertEquals(0, negativeRecordTimestamp);
    }
}

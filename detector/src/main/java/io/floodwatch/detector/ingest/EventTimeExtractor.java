package io.floodwatch.detector.ingest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import io.floodwatch.schema.RequestEvent;

/**
 * Event time is the event's own {@code timestamp}, never the time the record was produced, so a replay of
 * recorded traffic at full speed yields the same windows as it did live.
 *
 * <p>An absurd timestamp must not drag stream time with it (one event dated 2999 would make every later event
 * "late"). An event before 2000 or ahead of the wall clock by more than the allowed skew keeps the partition's
 * current time, and {@link ValidateRequests} then sends it to the dead-letter topic with the reason.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    private final long maxFutureMs;

    /** @param maxFutureMs how far ahead of the wall clock an event may be */
    public EventTimeExtractor(long maxFutureMs) {
        this.maxFutureMs = maxFutureMs;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (!(record.value() instanceof RequestEvent event)) {
            return fallback(record, partitionTime);
        }
        return eventTime(event.getTimestamp(), partitionTime, record.timestamp(), System.currentTimeMillis());
    }

    /**
     * The event time to use, as a pure function.
     *
     * @param eventTimestamp the event's timestamp
     * @param partitionTime the partition's time so far, negative if none
     * @param recordTimestamp the record's own timestamp
     * @param now wall-clock time
     */
    long eventTime(long eventTimestamp, long partitionTime, long recordTimestamp, long now) {
        if (eventTimestamp < RequestValidator.EARLIEST_TIMESTAMP || eventTimestamp > now + maxFutureMs) {
            return partitionTime >= 0 ? partitionTime : Math.max(recordTimestamp, 0);
        }
        return eventTimestamp;
    }

    private static long fallback(ConsumerRecord<Object, Object> record, long partitionTime) {
        return partitionTime >= 0 ? partitionTime : Math.max(record.timestamp(), 0);
    }
}

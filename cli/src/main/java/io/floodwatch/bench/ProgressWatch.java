package io.floodwatch.bench;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import org.apache.kafka.common.TopicPartition;

/**
 * Follows a reader through a topic of known end offsets (a group's committed offsets, or a consumer's positions)
 * and says whether it has reached the end, is advancing, or has stalled: no partition's offset advanced for the
 * stall timeout. Pure logic; the caller reads the offsets and the clock.
 */
final class ProgressWatch {

    /** Where the reader stands. */
    enum Status { DONE, ADVANCING, STALLED }

    private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Map<TopicPartition, Long> end;
    private final long stallTimeoutMs;
    private final Map<TopicPartition, Long> last = new HashMap<>();
    private long lastAdvanceMs;

    /**
     * @param end the end offset of every partition to read; partitions with end offset 0 are empty and done
     * @param stallTimeoutMs how long no offset may advance before the reader counts as stalled
     * @param nowMs the time the reading started
     */
    ProgressWatch(Map<TopicPartition, Long> end, long stallTimeoutMs, long nowMs) {
        this.end = Map.copyOf(end);
        this.stallTimeoutMs = stallTimeoutMs;
        this.lastAdvanceMs = nowMs;
    }

    /** Takes the reader's offsets now (a partition it has not read yet may be missing) and says where it stands. */
    Status observe(Map<TopicPartition, Long> offsets, long nowMs) {
        boolean done = true;
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            long offset = offsets.getOrDefault(partition.getKey(), 0L);
            if (offset > last.getOrDefault(partition.getKey(), 0L)) {
                last.put(partition.getKey(), offset);
                lastAdvanceMs = nowMs;
            }
            done &= offset >= partition.getValue();
        }
        if (done) {
            return Status.DONE;
        }
        return nowMs - lastAdvanceMs >= stallTimeoutMs ? Status.STALLED : Status.ADVANCING;
    }

    /**
     * One line on a stall: how long, and every unfinished partition's offset against its end, with its log start
     * offset where that has passed the reader's offset (records deleted before they were read, e.g. by retention).
     *
     * @param logStart the partitions' log start offsets, or an empty map when unknown
     */
    String stallMessage(String reader, Map<TopicPartition, Long> logStart) {
        StringJoiner partitions = new StringJoiner(", ");
        long deleted = 0;
        for (TopicPartition tp : end.keySet().stream().sorted(BY_TOPIC_AND_PARTITION).toList()) {
            long offset = last.getOrDefault(tp, 0L);
            if (offset >= end.get(tp)) {
                continue;
            }
            String text = String.format(Locale.ROOT, "%s at %,d of %,d", tp, offset, end.get(tp));
            Long start = logStart.get(tp);
            if (start != null && start > offset) {
                text += String.format(Locale.ROOT, " (log starts at %,d)", start);
                deleted += start - offset;
            }
            partitions.add(text);
        }
        String message = String.format(Locale.ROOT, "%s did not advance for %d s: %s", reader, stallTimeoutMs / 1000, partitions);
        if (deleted > 0) {
            message += String.format(Locale.ROOT, "; the broker deleted %,d records before they were read (retention?)", deleted);
        }
        return message;
    }
}

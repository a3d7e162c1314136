package io.floodwatch.detector.progress;

import org.apache.kafka.common.TopicPartition;

/**
 * What one check saw of one input partition.
 *
 * @param partition the partition
 * @param committed the group's committed offset, or null when it has none
 * @param logStart the log start offset (records before it were deleted)
 * @param end the end offset
 * @param endEventTime event time of the last record before {@code end}, or null when unknown (not read, not decodable)
 * @param positionEventTime event time of the last record processed (before {@code committed}), or of the first record
 *                          to process when nothing before it is left, or null when unknown
 */
public record PartitionOffsets(TopicPartition partition, Long committed, long logStart, long end, Long endEventTime,
                               Long positionEventTime) {

    /** Where the group resumes: its committed offset, or the log start when it has none or the log start passed it. */
    public long position() {
        return committed == null ? logStart : Math.max(committed, logStart);
    }

    /** Records between the group's position and the end (transaction markers included, so an upper bound). */
    public long lagRecords() {
        return Math.max(0, end - position());
    }
}

package io.floodwatch.detector.progress;

/**
 * How far the detector runs behind on one input partition.
 *
 * @param topic the topic
 * @param partition the partition
 * @param lagRecords records not processed yet
 * @param behindMs event time between the last record processed and the last record of the partition, null when unknown
 * @param stalled whether the partition has lag and its committed offset has not advanced for the stall time
 * @param committed the group's committed offset, null when it has none
 * @param logStart the log start offset
 * @param end the end offset
 */
public record PartitionLag(String topic, int partition, long lagRecords, Long behindMs, boolean stalled, Long committed,
                           long logStart, long end) {

    /** {@code topic-partition}, as Kafka names it. */
    public String name() {
        return topic + "-" + partition;
    }
}

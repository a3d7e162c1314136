package io.floodwatch.detector.watermark;

/**
 * Whether this instance has read everything written so far to an input partition. A task may say that its input is
 * silent (and let the watermark follow the wall clock, or call itself idle) only when it is caught up: a partition
 * that still holds a backlog is not silent, however long the task waits for its turn to read it (a restart, a
 * rebalance, a busy machine), and treating it as silent would close windows that its backlog still counts in.
 */
@FunctionalInterface
public interface InputLag {

    /** For a driver that hands every record to the topology as soon as it is written (TopologyTestDriver). */
    InputLag NONE = (topic, partition) -> true;

    /**
     * @param topic the input topic
     * @param partition its partition
     * @return true when nothing written to the partition is left to read; false when something is, or when it is not
     *         known yet
     */
    boolean caughtUp(String topic, int partition);
}

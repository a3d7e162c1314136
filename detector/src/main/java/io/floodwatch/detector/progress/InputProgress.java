package io.floodwatch.detector.progress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * The watchdog's judgement of the input's progress, as plain logic over successive checks of offsets (wall-clock
 * times passed in): how far behind each partition is, whether it is stalled, and which records were lost.
 *
 * <ul>
 *   <li>A partition is <b>stalled</b> when it has lag and its committed offset has not changed for {@code stallMs}; a
 *       partition without lag is never stalled, and its clock restarts. A stall of the detector begins when its first
 *       partition stalls and ends when none is stalled. Clocks only run once the detector is judged (it has started
 *       processing): restoring state at start-up is not a stall.</li>
 *   <li>Records are <b>lost</b> when a partition's log start offset passes the group's committed offset: they were
 *       deleted (retention, {@code deleteRecords}) before they were processed. Each offset range is reported once.</li>
 * </ul>
 * Not thread-safe: one watchdog thread calls it.
 */
public final class InputProgress {

    private final long stallMs;
    private final Map<TopicPartition, State> states = new HashMap<>();
    private boolean stalled;

    /** @param stallMs how long a partition with lag may go without progress */
    public InputProgress(long stallMs) {
        this.stallMs = stallMs;
    }

    /**
     * Records deleted before they were processed.
     *
     * @param partition the partition
     * @param from first offset lost
     * @param to offset after the last one lost
     */
    public record Loss(TopicPartition partition, long from, long to) {

        /** How many offsets were lost. */
        public long count() {
            return to - from;
        }
    }

    /**
     * The outcome of one check.
     *
     * @param partitions every partition's lag, in the order observed
     * @param stallStarted whether the detector's stall begins with this check
     * @param newlyStalled partitions that stalled with this check
     * @param stallEnded whether the detector's stall ends with this check
     * @param losses ranges lost since the previous check
     */
    public record Check(List<PartitionLag> partitions, boolean stallStarted, List<PartitionLag> newlyStalled, boolean stallEnded,
                        List<Loss> losses) {
    }

    /**
     * Judges one check made at wall-clock time {@code now}.
     *
     * @param judging whether stalls count yet (false while the detector starts: every clock restarts)
     */
    public Check observe(long now, List<PartitionOffsets> offsets, boolean judging) {
        List<PartitionLag> partitions = new ArrayList<>();
        List<PartitionLag> newlyStalled = new ArrayList<>();
        List<Loss> losses = new ArrayList<>();
        Set<TopicPartition> seen = new HashSet<>();
        for (PartitionOffsets observed : offsets) {
            TopicPartition tp = observed.partition();
            seen.add(tp);
            State state = states.computeIfAbsent(tp, key -> new State(observed.committed(), now));
            long lag = observed.lagRecords();
            if (!Objects.equals(state.committed, observed.committed()) || lag == 0 || !judging) {
                state.committed = observed.committed();
                state.progressAt = now;
            }
            boolean partitionStalled = lag > 0 && now - state.progressAt >= stallMs;
            PartitionLag partitionLag = new PartitionLag(tp.topic(), tp.partition(), lag, behindMs(observed, lag),
                partitionStalled, observed.committed(), observed.logStart(), observed.end());
            if (partitionStalled && !state.stalled) {
                newlyStalled.add(partitionLag);
            }
            state.stalled = partitionStalled;
            if (observed.committed() != null && observed.logStart() > observed.committed()) {
                long from = Math.max(observed.committed(), state.lostUpTo);
                if (observed.logStart() > from) {
                    losses.add(new Loss(tp, from, observed.logStart()));
                    state.lostUpTo = observed.logStart();
                }
            }
            partitions.add(partitionLag);
        }
        states.keySet().retainAll(seen);
        boolean anyStalled = partitions.stream().anyMatch(PartitionLag::stalled);
        boolean started = anyStalled && !stalled;
        boolean ended = !anyStalled && stalled;
        stalled = anyStalled;
        return new Check(List.copyOf(partitions), started, List.copyOf(newlyStalled), ended, List.copyOf(losses));
    }

    /**
     * Whether stalled partitions should fail this instance's readiness: those it processes, and those no instance of
     * the application processes (an instance whose own partitions move stays ready while another one is stuck).
     *
     * @param partitions the latest lags
     * @param local input partitions of this instance's active tasks
     * @param assigned input partitions of every known instance's active tasks, this one's included
     */
    public static boolean blocksReadiness(List<PartitionLag> partitions, Set<TopicPartition> local, Set<TopicPartition> assigned) {
        return partitions.stream().filter(PartitionLag::stalled)
            .map(lag -> new TopicPartition(lag.topic(), lag.partition()))
            .anyMatch(tp -> local.contains(tp) || !assigned.contains(tp));
    }

    private static Long behindMs(PartitionOffsets observed, long lag) {
        if (lag == 0) {
            return 0L;
        }
        if (observed.endEventTime() == null || observed.positionEventTime() == null) {
            return null;
        }
        return Math.max(0, observed.endEventTime() - observed.positionEventTime());
    }

    private static final class State {
        private Long committed;
        private long progressAt;
        private boolean stalled;
        private long lostUpTo = Long.MIN_VALUE;

        State(Long committed, long progressAt) {
            this.committed = committed;
            this.progressAt = progressAt;
        }
    }
}

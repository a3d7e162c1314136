package io.floodwatch.detector.mitigate;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.streams.processor.StreamPartitioner;

import io.floodwatch.schema.MitigationCandidate;

/**
 * Sends heartbeat candidates to every partition (KIP-837 multicast) and all others by key, so every planner
 * task sees stream time advance even when no rule fires for its targets.
 */
public final class HeartbeatPartitioner implements StreamPartitioner<String, MitigationCandidate> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, MitigationCandidate value, int numPartitions) {
        if (value != null && value.getHeartbeat()) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
        }
        return Optional.empty();
    }
}

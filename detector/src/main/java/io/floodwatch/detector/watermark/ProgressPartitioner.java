package io.floodwatch.detector.watermark;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.StreamPartitioner;

import io.floodwatch.schema.StreamProgress;

/**
 * Sends {@link StreamProgress} records to every partition (KIP-837 multicast), after the records they cover, and
 * every other record by its key, so that each downstream task hears every upstream task's progress.
 */
public final class ProgressPartitioner implements StreamPartitioner<String, SpecificRecord> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, SpecificRecord value, int numPartitions) {
        if (value instanceof StreamProgress) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
        }
        return Optional.empty();
    }
}

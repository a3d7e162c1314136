package io.floodwatch.broker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group (such as a Streams application) has got through a topic, read with the Admin API. */
public final class GroupProgress {

    private GroupProgress() {
    }

    /** The end offset of every partition of a topic. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
            .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    /** Whether the group has committed every partition up to the given offsets (empty partitions excepted). */
    public static boolean reached(Admin admin, String group, Map<TopicPartition, Long> end)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            OffsetAndMetadata offset = committed.get(entry.getKey());
            if (entry.getValue() > 0 && (offset == null || offset.offset() < entry.getValue())) {
                return false;
            }
        }
        return true;
    }
}

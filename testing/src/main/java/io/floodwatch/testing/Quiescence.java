package io.floodwatch.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits until a Kafka Streams application has processed everything published so far, judged from the outside, in
 * rounds: its consumer group has committed every partition of its input topics and of its own repartition topics up
 * to the end offsets read at the start of the round, and the output topics have not grown, for several rounds in a
 * row. One round is not enough: what the application consumes produces records into its next repartition topic, so
 * each quiet round proves one more stage drained. (The repartition topics never stay empty: the watermark's progress
 * records keep flowing, about one a second, so a round waits for what was there when it began, not for an empty
 * topic.) Nothing here depends on how fast the machine is, only on the offsets.
 */
public final class Quiescence {

    private static final int QUIET_POLLS = 4;

    private final Admin admin;
    private final String applicationId;
    private final List<String> inputTopics;
    private final List<String> outputTopics;
    private int quietPolls;
    private long lastOutputEnd = -1;
    private Map<TopicPartition, Long> target;
    private String lastState = "not polled yet";

    private Quiescence(Admin admin, String applicationId, List<String> inputTopics, List<String> outputTopics) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.inputTopics = inputTopics;
        this.outputTopics = outputTopics;
    }

    /**
     * Waits until the application {@code applicationId} has drained {@code inputTopics} and its repartition topics
     * and {@code outputTopics} stay the same.
     *
     * @throws AssertionError naming the partitions still behind when {@code atMost} passes
     */
    public static void await(TestBroker broker, String applicationId, List<String> inputTopics, List<String> outputTopics,
                             Duration atMost) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Quiescence quiescence = new Quiescence(admin, applicationId, inputTopics, outputTopics);
            try {
                Awaitility.await(applicationId + " has processed all of " + inputTopics).atMost(atMost)
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(quiescence::quiet);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(applicationId + " did not drain its input within " + atMost + ": "
                    + quiescence.lastState, e);
            }
        }
    }

    private boolean quiet() throws ExecutionException, InterruptedException {
        List<String> topics = new ArrayList<>(inputTopics);
        admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition")).forEach(topics::add);
        if (target == null) {
            target = endOffsets(topics);
        }
        Map<TopicPartition, Long> end = target;
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, String> behind = new HashMap<>();
        end.forEach((partition, endOffset) -> {
            OffsetAndMetadata offset = committed.get(partition);
            long position = offset == null ? 0 : offset.offset();
            if (position < endOffset) {
                behind.put(partition, position + "/" + endOffset);
            }
        });
        long outputEnd = endOffsets(outputTopics).values().stream().mapToLong(Long::longValue).sum();
        if (!behind.isEmpty()) {
            lastState = "behind (committed/end): " + behind;
            return false;
        }
        quietPolls = outputEnd != lastOutputEnd ? 1 : quietPolls + 1;
        lastOutputEnd = outputEnd;
        target = endOffsets(topics);
        lastState = behind.isEmpty() ? "nothing behind, outputs " + outputTopics + " at " + outputEnd
            : "behind (committed/end): " + behind;
        return quietPolls >= QUIET_POLLS;
    }

    private Map<TopicPartition, Long> endOffsets(List<String> topics) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, description) ->
            description.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> end.put(partition, info.offset()));
        return end;
    }
}

package io.floodwatch.detector.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;

/**
 * Creates the detector's external topics when they are missing, with their configs: {@code mitigations} and
 * {@code detector-control} compacted (the latest command or rule per key is what matters), the others deleted
 * by time. Existing topics are left as they are.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final String WEEK_MS = String.valueOf(7L * 24 * 3600 * 1000);
    private static final String DAY_MS = String.valueOf(24L * 3600 * 1000);

    private TopicProvisioner() {
    }

    /** The topics with their partitions and configs. */
    public static List<NewTopic> definitions(FloodwatchConfig config, Topics topics) {
        int partitions = config.getInt(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG);
        short replication = config.getShort(FloodwatchConfig.TOPIC_REPLICATION_CONFIG);
        List<NewTopic> definitions = new ArrayList<>();
        for (String name : List.of(topics.requests().name(), topics.requestsJson().name())) {
            definitions.add(new NewTopic(name, partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, DAY_MS)));
        }
        for (String name : List.of(topics.deadLetters().name(), topics.endpointRates().name(), topics.anomalies().name())) {
            definitions.add(new NewTopic(name, partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, WEEK_MS)));
        }
        for (String name : List.of(topics.mitigations().name(), topics.control().name())) {
            definitions.add(new NewTopic(name, partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000")));
        }
        return definitions;
    }

    /**
     * Creates topics and waits until every partition has a leader, so that producers writing right away do not
     * race the election (an idempotent producer's first batches would otherwise fail and be retried out of order).
     */
    public static void create(Admin admin, List<NewTopic> topics, long timeoutMs)
        throws ExecutionException, TimeoutException, InterruptedException {
        try {
            admin.createTopics(topics).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        List<String> names = topics.stream().map(NewTopic::name).toList();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            boolean ready = true;
            try {
                for (var description : admin.describeTopics(names).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).values()) {
                    ready &= description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                }
            } catch (ExecutionException e) {
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new TimeoutException("topics " + names + " have no leader after " + timeoutMs / 1000 + " s");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * Creates the missing topics.
     *
     * @throws TimeoutException if the broker does not answer in time
     */
    public static void ensureTopics(Admin admin, FloodwatchConfig config, Topics topics, long timeoutMs)
        throws TimeoutException, InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic topic : definitions(config, topics)) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            create(admin, missing, timeoutMs);
            LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new TimeoutException("no answer from the brokers: " + e.getCause().getMessage());
            }
            throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
        }
    }
}

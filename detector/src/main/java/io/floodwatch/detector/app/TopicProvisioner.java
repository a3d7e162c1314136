package io.floodwatch.detector.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;

/**
 * Creates the detector's external topics when they are missing, with their configs: {@code mitigations} and
 * {@code detector-control} compacted (the latest command or rule per key is what matters), the others deleted
 * by time.
 *
 * <p>The topics deleted by time take recorded and replayed traffic, or are written with its old event times, so
 * their record timestamps are the broker's append time ({@code message.timestamp.type=LogAppendTime}): retention
 * then counts from when a record arrived, never from its event time, which lives in the payload (the detector's
 * {@code TimestampExtractor} reads it). With {@code CreateTime}, a replay older than the retention would be deleted
 * by the broker's next retention check while the detector reads it. An existing topic of these with
 * {@code CreateTime} is switched to {@code LogAppendTime}; its other configs are left as they are. Kafka Streams'
 * internal topics are not touched.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final String WEEK_MS = String.valueOf(7L * 24 * 3600 * 1000);
    private static final String DAY_MS = String.valueOf(24L * 3600 * 1000);
    private static final String LOG_APPEND_TIME = "LogAppendTime";

    private TopicProvisioner() {
    }

    /** The topics with their partitions and configs. */
    public static List<NewTopic> definitions(FloodwatchConfig config, Topics topics) {
        int partitions = config.getInt(FloodwatchConfig.TOPIC_PARTITIONS_CONFIG);
        short replication = config.getShort(FloodwatchConfig.TOPIC_REPLICATION_CONFIG);
        List<NewTopic> definitions = new ArrayList<>();
        for (String name : List.of(topics.requests().name(), topics.requestsJson().name())) {
            definitions.add(new NewTopic(name, partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, DAY_MS,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME)));
        }
        for (String name : List.of(topics.deadLetters().name(), topics.endpointRates().name(), topics.anomalies().name())) {
            definitions.add(new NewTopic(name, partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, WEEK_MS,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME)));
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
     * Creates the missing topics, and switches existing ones that should take the append time as record timestamp
     * but have {@code CreateTime} (created by an older detector, or by hand) to {@code LogAppendTime}.
     *
     * @throws TimeoutException if the broker does not answer in time
     */
    public static void ensureTopics(Admin admin, FloodwatchConfig config, Topics topics, long timeoutMs)
        throws TimeoutException, InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<String> appendTime = new ArrayList<>();
            for (NewTopic topic : definitions(config, topics)) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                } else if (LOG_APPEND_TIME.equals(topic.configs().get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))) {
                    appendTime.add(topic.name());
                }
            }
            useAppendTime(admin, appendTime, timeoutMs);
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

    /** Sets {@code message.timestamp.type=LogAppendTime} on those of the existing topics that do not have it. */
    private static void useAppendTime(Admin admin, List<String> names, long timeoutMs)
        throws ExecutionException, TimeoutException, InterruptedException {
        if (names.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
        configs.forEach((resource, config) -> {
            ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (type == null || !LOG_APPEND_TIME.equals(type.value())) {
                changes.put(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME), AlterConfigOp.OpType.SET)));
            }
        });
        if (changes.isEmpty()) {
            return;
        }
        admin.incrementalAlterConfigs(changes).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        LOG.info("Set message.timestamp.type=LogAppendTime on existing topics {} (they had CreateTime: retention counted from "
            + "event time would delete replayed traffic older than the retention)", changes.keySet().stream().map(ConfigResource::name).toList());
    }
}

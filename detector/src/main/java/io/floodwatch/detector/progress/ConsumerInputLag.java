package io.floodwatch.detector.progress;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

import io.floodwatch.detector.watermark.InputLag;

/**
 * {@link InputLag} from this instance's consumers: the {@code records-lag} each one measures for the partitions it
 * fetches (the records between its position and the end of the partition, at its last fetch). A partition is caught
 * up when one of them has measured a lag of zero; until a consumer has fetched it, or while it is paused with records
 * buffered, it is not. The metrics are read at most every {@value #REFRESH_MS} ms, whoever asks.
 *
 * <p>The topology is built before the {@link KafkaStreams} that runs it, so the metrics are attached afterwards;
 * until then nothing is caught up.
 */
public final class ConsumerInputLag implements InputLag {

    static final long REFRESH_MS = 100;
    private static final String GROUP = "consumer-fetch-manager-metrics";
    private static final String NAME = "records-lag";

    private volatile Supplier<? extends Map<MetricName, ? extends Metric>> metrics;
    private Map<TopicPartition, Double> lags = Map.of();
    private long refreshedAt = Long.MIN_VALUE;

    /** Reads the lags of the consumers of {@code streams}. */
    public void attach(KafkaStreams streams) {
        attach(streams::metrics);
    }

    /** Reads the lags from {@code metrics} (the metrics of a client or of a whole {@link KafkaStreams}). */
    public void attach(Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
        this.metrics = metrics;
        synchronized (this) {
            refreshedAt = Long.MIN_VALUE;
        }
    }

    @Override
    public synchronized boolean caughtUp(String topic, int partition) {
        long now = System.nanoTime() / 1_000_000;
        if (refreshedAt == Long.MIN_VALUE || now - refreshedAt >= REFRESH_MS) {
            lags = read();
            refreshedAt = now;
        }
        Double lag = lags.get(new TopicPartition(topic, partition));
        return lag != null && lag <= 0;
    }

    private Map<TopicPartition, Double> read() {
        Supplier<? extends Map<MetricName, ? extends Metric>> source = metrics;
        if (source == null) {
            return Map.of();
        }
        Map<TopicPartition, Double> read = new HashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : source.get().entrySet()) {
            MetricName name = entry.getKey();
            String topic = name.tags().get("topic");
            String partition = name.tags().get("partition");
            if (!NAME.equals(name.name()) || !GROUP.equals(name.group()) || topic == null || partition == null
                || !(entry.getValue().metricValue() instanceof Double lag) || lag.isNaN()) {
                continue;
            }
            // Two consumers of one instance may both know a partition for a moment while it moves between threads.
            read.merge(new TopicPartition(topic, Integer.parseInt(partition)), lag, Math::max);
        }
        return read;
    }
}

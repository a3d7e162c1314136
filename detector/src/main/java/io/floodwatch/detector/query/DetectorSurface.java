package io.floodwatch.detector.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.detect.BaselineModel;
import io.floodwatch.detector.ingest.DeadLetters;
import io.floodwatch.detector.progress.InputProgressWatchdog;
import io.floodwatch.schema.text.LogText;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What runs beside the topology for the people on call: Kafka Streams' own metrics bound to the registry, the tails
 * of the anomalies and dead-letter topics, and the query server answering from them.
 */
public final class DetectorSurface implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorSurface.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final int KEPT = 200;

    private final KafkaStreamsMetrics streamsMetrics;
    private final MetricsBinding binding;
    private final TopicTail anomalies;
    private final TopicTail deadLetters;

    private DetectorSurface(KafkaStreamsMetrics streamsMetrics, MetricsBinding binding, TopicTail anomalies, TopicTail deadLetters) {
        this.streamsMetrics = streamsMetrics;
        this.binding = binding;
        this.anomalies = anomalies;
        this.deadLetters = deadLetters;
    }

    /**
     * Binds the metrics and, when there is a server, starts the tails and serves. Each scrape first binds the Kafka
     * metrics created since the last one (see {@link MetricsBinding}).
     *
     * @param http the bound server, or null when the HTTP surface is off
     * @param self this instance as other instances reach it, or null
     * @param watchdog the input progress watchdog, read by the readiness probe
     */
    public static DetectorSurface start(FloodwatchConfig config, Topics topics, String bootstrap, KafkaStreams streams,
                                        PrometheusMeterRegistry registry, QueryServer http, HostInfo self,
                                        InputProgressWatchdog watchdog) {
        MetricsBinding binding = new MetricsBinding();
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams, List.of(), binding);
        streamsMetrics.bindTo(registry);
        if (http == null) {
            return new DetectorSurface(streamsMetrics, binding, null, null);
        }
        TopicTail anomalies = new TopicTail(bootstrap, topics.anomalies().name(), KEPT, DetectorSurface::anomaly,
            config.kafkaOverrides());
        TopicTail deadLetters = new TopicTail(bootstrap, topics.deadLetters().name(), KEPT, DetectorSurface::deadLetter,
            config.kafkaOverrides());
        http.serve(new QueryServer.Sources(streams, new DetectorViews(streams, BaselineModel.from(config)), anomalies,
            deadLetters, () -> {
                binding.bindNewMetrics();
                return registry.scrape();
            }, self, watchdog::report));
        return new DetectorSurface(streamsMetrics, binding, anomalies, deadLetters);
    }

    private static Map<String, Object> anomaly(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readValue(record.value(), MAP);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an anomaly", e);
        }
    }

    /** A dead letter as people need it: when, why, from where, and a bounded excerpt of what was sent. */
    private static Map<String, Object> deadLetter(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("timestamp", record.timestamp());
        view.put("reason", header(record, DeadLetters.REASON_HEADER));
        view.put("topic", header(record, DeadLetters.TOPIC_HEADER));
        view.put("key", record.key() == null ? null : LogText.bounded(new String(record.key(), StandardCharsets.UTF_8)));
        view.put("excerpt", record.value() == null ? null : LogText.bounded(new String(record.value(), 0,
            Math.min(record.value().length, LogText.MAX_LENGTH * 2), StandardCharsets.UTF_8)));
        return view;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : LogText.bounded(new String(header.value(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        try {
            if (anomalies != null) {
                anomalies.close();
                deadLetters.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streamsMetrics.close();
        binding.shutdownNow();
    }

    /**
     * The thread of Micrometer's Kafka binder, which looks for new Kafka metrics only once a minute: task metrics (such
     * as {@code dropped-records-total}) appear when tasks are assigned, after start, and would be missing from scrapes
     * for up to a minute. This executor remembers the binder's periodic check so that each scrape runs it first, on
     * the same thread (so never concurrently with the periodic run), at most once a second.
     */
    private static final class MetricsBinding extends ScheduledThreadPoolExecutor {

        private static final long MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
        private volatile Runnable check;
        private long checkedAt = System.nanoTime() - MIN_INTERVAL_NANOS;

        MetricsBinding() {
            super(1, runnable -> {
                Thread thread = new Thread(runnable, "floodwatch-kafka-metrics");
                thread.setDaemon(true);
                return thread;
            });
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            check = command;
            return super.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        synchronized void bindNewMetrics() {
            Runnable command = check;
            if (command == null || System.nanoTime() - checkedAt < MIN_INTERVAL_NANOS) {
                return;
            }
            checkedAt = System.nanoTime();
            try {
                submit(command).get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
                LOG.debug("Binding new Kafka metrics failed: {}", e.toString());
            }
        }
    }
}

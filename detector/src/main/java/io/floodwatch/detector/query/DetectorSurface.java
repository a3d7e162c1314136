package io.floodwatch.detector.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final int KEPT = 200;

    private final KafkaStreamsMetrics streamsMetrics;
    private final PrometheusMeterRegistry registry;
    private final TopicTail anomalies;
    private final TopicTail deadLetters;
    private final AtomicBoolean streamsMetricsBound = new AtomicBoolean();

    private DetectorSurface(KafkaStreamsMetrics streamsMetrics, PrometheusMeterRegistry registry, TopicTail anomalies,
                            TopicTail deadLetters) {
        this.streamsMetrics = streamsMetrics;
        this.registry = registry;
        this.anomalies = anomalies;
        this.deadLetters = deadLetters;
    }

    /**
     * Binds Kafka Streams' metrics once it first runs. The binder looks for new Kafka metrics only once a minute, and
     * task metrics (such as {@code dropped-records-total}) exist only once tasks are assigned: bound before, they would
     * stay out of scrapes for up to a minute.
     */
    public void streamsRunning() {
        if (streamsMetricsBound.compareAndSet(false, true)) {
            streamsMetrics.bindTo(registry);
        }
    }

    /**
     * Prepares the metrics binder ({@link #streamsRunning()} binds it) and, when there is a server, starts the tails
     * and serves.
     *
     * @param http the bound server, or null when the HTTP surface is off
     * @param self this instance as other instances reach it, or null
     * @param watchdog the input progress watchdog, read by the readiness probe
     */
    public static DetectorSurface start(FloodwatchConfig config, Topics topics, String bootstrap, KafkaStreams streams,
                                        PrometheusMeterRegistry registry, QueryServer http, HostInfo self,
                                        InputProgressWatchdog watchdog) {
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        if (http == null) {
            return new DetectorSurface(streamsMetrics, registry, null, null);
        }
        TopicTail anomalies = new TopicTail(bootstrap, topics.anomalies().name(), KEPT, DetectorSurface::anomaly,
            config.kafkaOverrides());
        TopicTail deadLetters = new TopicTail(bootstrap, topics.deadLetters().name(), KEPT, DetectorSurface::deadLetter,
            config.kafkaOverrides());
        http.serve(new QueryServer.Sources(streams, new DetectorViews(streams, BaselineModel.from(config)), anomalies,
            deadLetters, registry::scrape, self, watchdog::report));
        return new DetectorSurface(streamsMetrics, registry, anomalies, deadLetters);
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
        if (streamsMetricsBound.get()) {
            streamsMetrics.close();
        }
    }
}

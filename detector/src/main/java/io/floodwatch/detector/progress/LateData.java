package io.floodwatch.detector.progress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Counter;

/**
 * Late data so far: the detector's own {@code floodwatch.late.records{stage}} and {@code floodwatch.late.requests{stage}}
 * (records and the requests they carried, dropped as later than a window's grace), read by name from the registry
 * (meters not registered count as 0), and Kafka Streams' own task metric {@code dropped-records-total}, summed over
 * tasks (read from Kafka Streams itself: Micrometer's binder exports it as
 * {@code kafka_stream_task_dropped_records_total}).
 *
 * @param records late records per stage
 * @param requests requests in late records per stage
 * @param streamsDroppedRecords Kafka Streams' dropped records, all tasks
 */
public record LateData(Map<String, Long> records, Map<String, Long> requests, long streamsDroppedRecords) {

    /** The detector's late records counter (Prometheus {@code floodwatch_late_records_total}). */
    public static final String LATE_RECORDS = "floodwatch.late.records";
    /** The detector's late requests counter (Prometheus {@code floodwatch_late_requests_total}). */
    public static final String LATE_REQUESTS = "floodwatch.late.requests";
    /** Kafka Streams' dropped records task metric. */
    public static final String STREAMS_DROPPED_RECORDS = "dropped-records-total";
    private static final String STREAMS_TASK_GROUP = "stream-task-metrics";
    /** The stages counted, in the order of the topology. */
    public static final List<String> STAGES = List.of("endpoint-rates", "source-rates", "plan-mitigations");

    /** No late data. */
    public static final LateData NONE = new LateData(zeros(), zeros(), 0);

    public LateData {
        records = Map.copyOf(records);
        requests = Map.copyOf(requests);
    }

    /**
     * The counts now.
     *
     * @param registry where the detector's counters live
     * @param streamsMetrics Kafka Streams' metrics ({@code KafkaStreams.metrics()})
     */
    public static LateData read(MeterRegistry registry, Map<MetricName, ? extends Metric> streamsMetrics) {
        double dropped = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : streamsMetrics.entrySet()) {
            if (STREAMS_DROPPED_RECORDS.equals(metric.getKey().name()) && STREAMS_TASK_GROUP.equals(metric.getKey().group())
                && metric.getValue().metricValue() instanceof Number value && Double.isFinite(value.doubleValue())) {
                dropped += value.doubleValue();
            }
        }
        return new LateData(byStage(registry, LATE_RECORDS), byStage(registry, LATE_REQUESTS), Math.round(dropped));
    }

    /** Whether anything was late. */
    public boolean any() {
        return streamsDroppedRecords > 0 || records.values().stream().anyMatch(n -> n > 0)
            || requests.values().stream().anyMatch(n -> n > 0);
    }

    /** What was counted since {@code earlier}. */
    public LateData since(LateData earlier) {
        return new LateData(minus(records, earlier.records), minus(requests, earlier.requests),
            Math.max(0, streamsDroppedRecords - earlier.streamsDroppedRecords));
    }

    /** One line for the log: {@code late records: endpoint-rates 3, …; late requests: …; Kafka Streams dropped records: 0}. */
    public String describe() {
        return "late records: " + stages(records) + "; late requests: " + stages(requests)
            + "; Kafka Streams dropped records: " + streamsDroppedRecords;
    }

    /** As the readiness JSON shows it. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("records", new TreeMap<>(records));
        json.put("requests", new TreeMap<>(requests));
        json.put("streamsDroppedRecords", streamsDroppedRecords);
        return json;
    }

    private static Map<String, Long> byStage(MeterRegistry registry, String name) {
        Map<String, Long> counts = zeros();
        for (Meter meter : registry.find(name).meters()) {
            String stage = meter.getId().getTag("stage");
            if (stage != null) {
                counts.merge(stage, Math.round(sum(List.of(meter))), Long::sum);
            }
        }
        return counts;
    }

    private static double sum(Iterable<Meter> meters) {
        double total = 0;
        for (Meter meter : meters) {
            if (meter instanceof Counter counter) {
                total += counter.count();
            } else if (meter instanceof FunctionCounter counter) {
                total += counter.count();
            }
        }
        return total;
    }

    private static Map<String, Long> zeros() {
        Map<String, Long> counts = new LinkedHashMap<>();
        STAGES.forEach(stage -> counts.put(stage, 0L));
        return counts;
    }

    private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> earlier) {
        Map<String, Long> difference = new LinkedHashMap<>();
        now.forEach((stage, count) -> difference.put(stage, Math.max(0, count - earlier.getOrDefault(stage, 0L))));
        return difference;
    }

    private static String stages(Map<String, Long> counts) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(counts).forEach((stage, count) -> text.append(text.isEmpty() ? "" : ", ").append(stage).append(' ').append(count));
        return text.toString();
    }
}

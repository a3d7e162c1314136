package io.floodwatch.detector.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class LateDataTest {

    @Test
    void shouldReadLateCountersAndKafkaStreamsDroppedRecordsAndShowZeroWhenTheyAreAbsent() {
        // Given
        MeterRegistry registry = new SimpleMeterRegistry();
        LateData absent = LateData.read(registry, Map.of());
        Counter.builder(LateData.LATE_RECORDS).tag("stage", "endpoint-rates").register(registry).increment(3);
        Counter.builder(LateData.LATE_REQUESTS).tag("stage", "endpoint-rates").register(registry).increment(40);
        Map<MetricName, Metric> streams = new HashMap<>();
        put(streams, "dropped-records-total", "stream-task-metrics", "0_1", 2.0);
        put(streams, "dropped-records-total", "stream-task-metrics", "0_2", 1.0);
        put(streams, "dropped-records-rate", "stream-task-metrics", "0_2", 0.5);
        put(streams, "dropped-records-total", "stream-thread-metrics", "0_2", 7.0);

        // When
        LateData late = LateData.read(registry, streams);

        // Then
        assertEquals(LateData.NONE, absent);
        assertTrue(!absent.any() && late.any());
        assertEquals(3L, late.records().get("endpoint-rates"));
        assertEquals(0L, late.records().get("plan-mitigations"));
        assertEquals(40L, late.requests().get("endpoint-rates"));
        assertEquals(3L, late.streamsDroppedRecords());
        assertEquals(1L, late.since(new LateData(Map.of("endpoint-rates", 2L), Map.of(), 3)).records().get("endpoint-rates"));
        assertEquals("late records: endpoint-rates 3, plan-mitigations 0, source-rates 0; late requests: endpoint-rates 40, "
            + "plan-mitigations 0, source-rates 0; Kafka Streams dropped records: 3", late.describe());
    }

    private static void put(Map<MetricName, Metric> metrics, String name, String group, String task, double value) {
        MetricName metricName = new MetricName(name, group, "", Map.of("task-id", task));
        metrics.put(metricName, new Metric() {
            @Override
            public MetricName metricName() {
                return metricName;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }
}

package io.floodwatch.detector.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class LateDataTest {

    @Test
    void shouldReadLateCountersByNameAndShowZeroWhenTheyAreAbsent() {
        // Given
        MeterRegistry registry = new SimpleMeterRegistry();
        LateData absent = LateData.read(registry);
        Counter.builder(LateData.LATE_RECORDS).tag("stage", "endpoint-rates").register(registry).increment(3);
        Counter.builder(LateData.LATE_REQUESTS).tag("stage", "endpoint-rates").register(registry).increment(40);
        Counter.builder(LateData.STREAMS_DROPPED_RECORDS).tag("task-id", "0_1").register(registry).increment(2);
        Counter.builder(LateData.STREAMS_DROPPED_RECORDS).tag("task-id", "0_2").register(registry).increment(1);

        // When
        LateData late = LateData.read(registry);

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
}

package io.floodwatch.detector.progress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class ConsumerInputLagTest {

    @Test
    void shouldBeCaughtUpOnlyWhereAConsumerMeasuredNoLagWhenTheMetricsAreRead() {
        // Given the metrics of two consumers: one has partition 0 at its end and partition 1 behind, the other
        // briefly still lists partition 2 as behind while the first already reads it to the end
        Map<MetricName, Metric> metrics = new HashMap<>();
        lag(metrics, "thread-1", "requests", 0, 0.0);
        lag(metrics, "thread-1", "requests", 1, 1_500.0);
        lag(metrics, "thread-1", "requests", 2, 0.0);
        lag(metrics, "thread-2", "requests", 2, 40.0);
        lag(metrics, "thread-1", "requests", 3, Double.NaN);
        metrics.put(new MetricName("records-lag-max", "consumer-fetch-manager-metrics", "", Map.of("client-id", "thread-1")),
            metric(0.0));
        ConsumerInputLag lag = new ConsumerInputLag();

        // When the lag is asked before and after the metrics are attached
        boolean beforeAttached = lag.caughtUp("requests", 0);
        lag.attach(() -> metrics);

        // Then only a partition at its end in every consumer that knows it is caught up; an unknown one is not
        assertFalse(beforeAttached, "nothing is caught up before the consumers are known");
        assertTrue(lag.caughtUp("requests", 0));
        assertFalse(lag.caughtUp("requests", 1), "a partition with records left is behind");
        assertFalse(lag.caughtUp("requests", 2), "the larger lag of two consumers counts");
        assertFalse(lag.caughtUp("requests", 3), "a lag not measured yet is not zero");
        assertFalse(lag.caughtUp("requests", 4), "a partition no consumer fetched is not caught up");
        assertFalse(lag.caughtUp("requests-json", 0), "another topic's partition is another partition");
    }

    private static void lag(Map<MetricName, Metric> metrics, String client, String topic, int partition, double value) {
        metrics.put(new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
            Map.of("client-id", client, "topic", topic, "partition", Integer.toString(partition))), metric(value));
    }

    private static Metric metric(double value) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return null;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        };
    }
}

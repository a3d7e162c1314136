package io.floodwatch.detector.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The detector's own meters, counted where records leave or enter the topology:
 * <ul>
 *   <li>{@code floodwatch_events_in_total}: valid request events taken in (invalid ones are
 *       {@code floodwatch_dead_letters_total});</li>
 *   <li>{@code floodwatch_endpoint_rates_out_total}: per-endpoint window updates published;</li>
 *   <li>{@code floodwatch_commands_total{action,mode}}: mitigation commands published;</li>
 *   <li>{@code floodwatch_anomalies_total{verdict,disposition}}: anomalies published;</li>
 *   <li>{@code floodwatch_late_records_total{stage}} and {@code floodwatch_late_requests_total{stage}}: summaries that
 *       reached a windowed stage after the watermark had closed their window, and the requests they carried (stage:
 *       {@code endpoint-rates}, {@code source-rates});</li>
 *   <li>{@code floodwatch_watermark_seconds{stage}}: the watermark of each windowed stage and of the planner, the
 *       slowest of this instance's tasks (event time, epoch seconds), so that a reader can tell how far the event time
 *       that closes windows and lifts commands has got;</li>
 *   <li>{@code floodwatch_detection_latency_seconds}: wall-clock time from the event time of the decision to the
 *       command's publication ({@code issuedAt - detectedAt}), which is how far the detector runs behind traffic.</li>
 * </ul>
 * Tags take values from closed sets (enums, verdicts), so the number of series is bounded.
 */
public final class DetectorMeters {

    private final MeterRegistry registry;
    private final Counter eventsIn;
    private final Counter endpointRatesOut;
    private final Map<MitigationAction, Map<MitigationMode, Counter>> commands = new EnumMap<>(MitigationAction.class);
    private final Map<String, Counter> anomalies = new ConcurrentHashMap<>();
    private final Timer detectionLatency;
    private final Map<String, Counter[]> late = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> watermarks = new ConcurrentHashMap<>();

    /** @param registry where the meters live */
    public DetectorMeters(MeterRegistry registry) {
        this.registry = registry;
        this.eventsIn = Counter.builder("floodwatch.events.in").description("Valid request events taken in").register(registry);
        this.endpointRatesOut = Counter.builder("floodwatch.endpoint.rates.out")
            .description("Per-endpoint window updates published").register(registry);
        for (MitigationAction action : MitigationAction.values()) {
            Map<MitigationMode, Counter> byMode = new EnumMap<>(MitigationMode.class);
            for (MitigationMode mode : MitigationMode.values()) {
                byMode.put(mode, Counter.builder("floodwatch.commands").description("Mitigation commands published")
                    .tag("action", action.name()).tag("mode", mode.name()).register(registry));
            }
            commands.put(action, byMode);
        }
        this.detectionLatency = Timer.builder("floodwatch.detection.latency")
            .description("Wall-clock time from the event time of a decision to the publication of its command")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
    }

    /** Meters kept in memory only (tools, benchmarks, tests). */
    public static DetectorMeters inMemory() {
        return new DetectorMeters(new SimpleMeterRegistry());
    }

    /** The registry. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one valid request event. */
    public void eventIn() {
        eventsIn.increment();
    }

    /** Counts one endpoint rate update published. */
    public void endpointRateOut() {
        endpointRatesOut.increment();
    }

    /** Counts one command and its detection latency. */
    public void command(MitigationCommand command) {
        commands.get(command.getAction()).get(command.getMode()).increment();
        if (command.getAction() != MitigationAction.LIFT) {
            detectionLatency.record(Duration.ofMillis(Math.max(0, command.getIssuedAt() - command.getDetectedAt())));
        }
    }

    /** Counts one summary dropped as late by a windowed stage, with the requests it carried. */
    public void late(String stage, long requests) {
        Counter[] counters = lateCounters(stage);
        counters[0].increment();
        counters[1].increment(requests);
    }

    /** Registers the late-data counters of a stage at zero, so that they are scraped before anything is late. */
    public void lateStage(String stage) {
        lateCounters(stage);
    }

    /** Notes the watermark of one task of a stage (a gauge per stage: the slowest of this instance's tasks). */
    public void watermark(String stage, String task, long watermark) {
        watermarkStage(stage).put(task, watermark);
    }

    /** The watermark of a stage: the slowest of this instance's tasks, {@link Long#MIN_VALUE} before any. */
    public long watermark(String stage) {
        return watermarks.getOrDefault(stage, Map.of()).values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
    }

    /**
     * Waits until a stage's watermark has reached an event time: a backlog's last windows are judged and closed once the
     * watermark gets there, possibly after its input offsets are committed.
     *
     * @return whether it got there within the timeout
     */
    public boolean awaitWatermark(String stage, long eventTime, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (watermark(stage) < eventTime) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Registers the watermark gauge of a stage (NaN until one of its tasks has a watermark). */
    public Map<String, Long> watermarkStage(String stage) {
        return watermarks.computeIfAbsent(stage, name -> {
            Map<String, Long> tasks = new ConcurrentHashMap<>();
            Gauge.builder("floodwatch.watermark", tasks, values -> values.values().stream().mapToLong(Long::longValue).min()
                    .stream().mapToDouble(min -> min / 1000.0).findFirst().orElse(Double.NaN))
                .description("Event time the stage's windows close on and its commands lift on (slowest local task)")
                .baseUnit("seconds").tag("stage", name).register(registry);
            return tasks;
        });
    }

    private Counter[] lateCounters(String stage) {
        return late.computeIfAbsent(stage, name -> new Counter[] {
            Counter.builder("floodwatch.late.records").description("Summaries that reached a windowed stage after its window closed")
                .tag("stage", name).register(registry),
            Counter.builder("floodwatch.late.requests").description("Requests in summaries dropped as late")
                .tag("stage", name).register(registry)});
    }

    /** Counts one anomaly. */
    public void anomaly(Anomaly anomaly) {
        String verdict = anomaly.getVerdict();
        String disposition = String.valueOf(anomaly.getDisposition());
        anomalies.computeIfAbsent(verdict + "|" + disposition, key -> Counter.builder("floodwatch.anomalies")
            .description("Anomalies published").tag("verdict", verdict).tag("disposition", disposition).register(registry))
            .increment();
    }
}

package io.floodwatch.detector.ingest;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.floodwatch.detector.watermark.InputLag;
import io.floodwatch.detector.watermark.InputWatermark;
import io.floodwatch.detector.watermark.Watermarks;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.StreamProgress;

/**
 * Ingest, JSON side: keys validated JSON events by source IP, so that each source's events meet the task that
 * aggregates its partition of {@code requests}, and reports this task's progress in event time after them.
 *
 * <p>Several JSON tasks write into every partition of the re-keyed topic, each at its own pace: a recording
 * published in one go can leave them many minutes apart. So every commit interval (wall clock) the task sends a
 * {@link StreamProgress} to every partition, after the events it covers; the aggregating tasks take the slowest
 * JSON task's progress as part of their watermark instead of treating its events as late. The progress of a silent
 * input follows the wall clock ({@link InputWatermark}); a task that has had no input since it started says it is
 * idle, and its first event says at once that it is not, so that the aggregating tasks wait for its progress. In: original key → {@link RequestEvent}. Out: source IP → {@link RequestEvent}
 * and {@code progress} → {@link StreamProgress}. Stateless: after a restart it reports again from its first event.
 */
public final class KeyJsonBySource implements Processor<byte[], RequestEvent, String, SpecificRecord> {

    /** Key of progress records. */
    public static final String PROGRESS_KEY = "progress";
    /** Stage name in the upstream ids of progress records. */
    public static final String STAGE = "json-requests";

    private final long intervalMs;
    private final long idleMs;
    private final InputLag lag;
    private final String topic;
    private ProcessorContext<String, SpecificRecord> context;
    private String upstream;
    private InputWatermark input;
    private long sent = Long.MIN_VALUE;
    private boolean sentIdle = true;
    private boolean everSent;

    /**
     * @param intervalMs how often progress is reported (wall clock)
     * @param idleMs wall-clock time without input after which the task says it is idle
     * @param lag whether the task's partition is caught up (silence counts only then)
     * @param topic the topic the task reads ({@code requests-json})
     */
    public KeyJsonBySource(long intervalMs, long idleMs, InputLag lag, String topic) {
        this.intervalMs = intervalMs;
        this.idleMs = idleMs;
        this.lag = lag;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.upstream = STAGE + "/" + context.taskId();
        int partition = context.taskId().partition();
        this.input = new InputWatermark(idleMs, context.currentSystemTimeMs(), () -> lag.caughtUp(topic, partition));
        context.schedule(Duration.ofMillis(intervalMs), PunctuationType.WALL_CLOCK_TIME, this::report);
    }

    @Override
    public void process(Record<byte[], RequestEvent> record) {
        input.observe(record.timestamp());
        if (sentIdle && everSent) {
            send(sent, false);
        }
        context.forward(record.withKey(record.value().getSourceIp()).withValue((SpecificRecord) record.value()));
    }

    private void report(long now) {
        boolean idle = input.idle(now);
        long watermark = input.watermark(now);
        if (watermark == Long.MIN_VALUE && !idle) {
            return;
        }
        if (!everSent || idle != sentIdle || Watermarks.worthSending(watermark, sent)) {
            send(watermark, idle);
        }
    }

    private void send(long watermark, boolean idle) {
        StreamProgress report = StreamProgress.newBuilder().setUpstream(upstream).setWatermark(watermark).setIdle(idle).build();
        context.forward(new Record<>(PROGRESS_KEY, report, Math.max(0, watermark)));
        sent = watermark;
        sentIdle = idle;
        everSent = true;
    }
}

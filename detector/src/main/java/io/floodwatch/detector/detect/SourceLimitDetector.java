package io.floodwatch.detector.detect;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.floodwatch.detector.rules.LiveRules;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.SourceRate;
import io.floodwatch.schema.StreamProgress;

/**
 * Detect, per source: applies {@link SourceRateLimits} to every update of a source's windowed count.
 * Stateless. In: windowed source key → {@link SourceRate}, and {@link StreamProgress}, passed on to the planner.
 * Out: target key → {@link MitigationCandidate}, and upstream id → {@link StreamProgress}.
 */
public final class SourceLimitDetector implements Processor<Windowed<String>, SpecificRecord, String, SpecificRecord> {

    private final LiveRules.Derived<SourceRateLimits> limits;
    private ProcessorContext<String, SpecificRecord> context;

    /** @param limits the per-source limits in force */
    public SourceLimitDetector(LiveRules.Derived<SourceRateLimits> limits) {
        this.limits = limits;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<Windowed<String>, SpecificRecord> record) {
        if (record.value() instanceof StreamProgress progress) {
            context.forward(new Record<>(progress.getUpstream(), progress, record.timestamp()));
            return;
        }
        limits.get().evaluate((SourceRate) record.value(), record.timestamp())
            .ifPresent(candidate -> context.forward(new Record<>(candidate.getKey(), candidate, record.timestamp())));
    }
}

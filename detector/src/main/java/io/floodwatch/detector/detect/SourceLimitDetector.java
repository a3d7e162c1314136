package io.floodwatch.detector.detect;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.floodwatch.detector.control.LiveRules;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.SourceRate;

/**
 * Detect, per source: applies {@link SourceRateLimits} to every update of a source's windowed count.
 * Stateless. In: windowed source key → {@link SourceRate}. Out: target key → {@link MitigationCandidate}.
 */
public final class SourceLimitDetector implements Processor<Windowed<String>, SourceRate, String, MitigationCandidate> {

    private final LiveRules.Derived<SourceRateLimits> limits;
    private ProcessorContext<String, MitigationCandidate> context;

    /** @param limits the per-source limits in force */
    public SourceLimitDetector(LiveRules.Derived<SourceRateLimits> limits) {
        this.limits = limits;
    }

    @Override
    public void init(ProcessorContext<String, MitigationCandidate> context) {
        this.context = context;
    }

    @Override
    public void process(Record<Windowed<String>, SourceRate> record) {
        limits.get().evaluate(record.value(), record.timestamp())
            .ifPresent(candidate -> context.forward(new Record<>(candidate.getKey(), candidate, record.timestamp())));
    }
}

package io.floodwatch.detector.detect;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.floodwatch.detector.control.LiveRules;
import io.floodwatch.detector.watermark.WatermarkHeader;

import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.StreamProgress;

/**
 * Detect, per endpoint: keeps each route's learned baseline ({@link BaselineModel}) and evaluates every update
 * of an open window with {@link EndpointRules}: attack, overload or flash crowd. A window updated while the route is under attack (see
 * {@link EndpointRules#underAttack}) is not learned. Windows are learned once the watermark the update carries
 * ({@link WatermarkHeader}) has closed them, so a backlog teaches the same baseline as live traffic. The stage's
 * progress is passed on to the planner, so that lifts follow the slowest input's event time.
 *
 * <p>In: windowed route → {@link EndpointRate} updates, and {@link StreamProgress}. Out: target key →
 * {@link MitigationCandidate}, and upstream id → {@link StreamProgress}.
 * Store: {@value #STORE}, route → {@link EndpointBaseline} (persistent, changelogged: a restart keeps the
 * baselines).
 */
public final class EndpointAnomalyDetector implements Processor<Windowed<String>, SpecificRecord, String, SpecificRecord> {

    /** Name of the baseline store. */
    public static final String STORE = "endpoint-baselines";

    private final LiveRules.Derived<EndpointRules> live;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, EndpointBaseline> baselines;

    /** @param live the endpoint rules in force, with their baseline model */
    public EndpointAnomalyDetector(LiveRules.Derived<EndpointRules> live) {
        this.live = live;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.baselines = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<Windowed<String>, SpecificRecord> record) {
        if (record.value() instanceof StreamProgress progress) {
            context.forward(new Record<>(progress.getUpstream(), progress, record.timestamp()));
            return;
        }
        String route = record.key().key();
        EndpointRate rate = (EndpointRate) record.value();
        long now = record.timestamp();
        EndpointRules rules = live.get();
        BaselineModel model = rules.model();
        BaselineModel.Observation observation = model.observe(baselines.get(route), rate, WatermarkHeader.read(record.headers()));
        if (observation.stale()) {
            return;
        }
        EndpointBaseline baseline = observation.baseline();
        for (MitigationCandidate candidate : rules.evaluate(baseline, rate, now)) {
            if (EndpointRules.ATTACK.equals(candidate.getVerdict())) {
                baseline.setLastAttackAt(Math.max(baseline.getLastAttackAt(), now));
            }
            context.forward(new Record<>(candidate.getKey(), candidate, now));
        }
        if (rules.underAttack(baseline, now)) {
            baseline = model.markAnomalous(baseline, rate.getWindowStart());
        }
        baselines.put(route, baseline);
    }
}

package io.floodwatch.detector.detect;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.floodwatch.detector.control.LiveRules;

import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationCandidate;

/**
 * Detect, per endpoint: keeps each route's learned baseline ({@link BaselineModel}) and evaluates every update
 * of an open window with {@link EndpointRules}: attack, overload or flash crowd. A window updated while the route is under attack (see
 * {@link EndpointRules#underAttack}) is not learned. Each time windows close it also emits a heartbeat, which
 * carries stream time to every planner partition so that lifts happen even when no rule fires.
 *
 * <p>In: windowed route → {@link EndpointRate} updates. Out: target key → {@link MitigationCandidate}.
 * Store: {@value #STORE}, route → {@link EndpointBaseline} (persistent, changelogged: a restart keeps the
 * baselines).
 */
public final class EndpointAnomalyDetector implements Processor<Windowed<String>, EndpointRate, String, MitigationCandidate> {

    /** Name of the baseline store. */
    public static final String STORE = "endpoint-baselines";

    private final LiveRules.Derived<EndpointRules> live;
    private ProcessorContext<String, MitigationCandidate> context;
    private KeyValueStore<String, EndpointBaseline> baselines;

    /** @param live the endpoint rules in force, with their baseline model */
    public EndpointAnomalyDetector(LiveRules.Derived<EndpointRules> live) {
        this.live = live;
    }

    @Override
    public void init(ProcessorContext<String, MitigationCandidate> context) {
        this.context = context;
        this.baselines = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<Windowed<String>, EndpointRate> record) {
        String route = record.key().key();
        EndpointRate rate = record.value();
        long now = context.currentStreamTimeMs();
        EndpointRules rules = live.get();
        BaselineModel model = rules.model();
        BaselineModel.Observation observation = model.observe(baselines.get(route), rate, now);
        if (observation.stale()) {
            return;
        }
        EndpointBaseline baseline = observation.baseline();
        if (observation.foldedWindows() > 0) {
            context.forward(new Record<>(Candidates.heartbeat(now).getKey(), Candidates.heartbeat(now), record.timestamp()));
        }
        for (MitigationCandidate candidate : rules.evaluate(baseline, rate, record.timestamp())) {
            if (EndpointRules.ATTACK.equals(candidate.getVerdict())) {
                baseline.setLastAttackAt(now);
            }
            context.forward(new Record<>(candidate.getKey(), candidate, record.timestamp()));
        }
        if (rules.underAttack(baseline, now)) {
            baseline = model.markAnomalous(baseline, rate.getWindowStart());
        }
        baselines.put(route, baseline);
    }
}

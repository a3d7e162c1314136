package io.floodwatch.detector.detect;

import org.apache.avro.specific.SpecificRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import io.floodwatch.detector.rules.LiveRules;
import io.floodwatch.detector.watermark.WatermarkHeader;

import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.StreamProgress;

/**
 * Detect, per endpoint: keeps each route's learned baseline ({@link BaselineModel}) and evaluates every update
 * of an open window with {@link EndpointRules}: attack, overload or flash crowd. A window updated while the route is under attack (see
 * {@link EndpointRules#underAttack}) is not learned. Windows are learned once the watermark the update carries
 * ({@link WatermarkHeader}) has closed them, so a backlog teaches the same baseline as live traffic.
 *
 * <p>A window is judged against the baseline it would meet live: only once the watermark is within a window of it
 * ({@link BaselineModel#judgingLagMs()}), so that the windows up to a grace period before it have been learned. Live
 * that is always the case.
 * In a backlog the fastest upstream task can run far ahead of the watermark: an update of such a window is kept (in
 * the window store) and judged when the watermark gets there, each window in order, with the baseline of that
 * moment, and dated when its count first passed the surge threshold (the times and counts of its updates are kept
 * meanwhile, in memory: after a restart such a window is dated at its end). The stage's progress is passed on to the planner after what it made eligible, so that lifts follow the
 * slowest input's event time.
 *
 * <p>In: windowed route → {@link EndpointRate} updates, and {@link StreamProgress}. Out: target key →
 * {@link MitigationCandidate}, and upstream id → {@link StreamProgress}.
 * Stores: {@value #STORE}, route → {@link EndpointBaseline} (persistent, changelogged: a restart keeps the
 * baselines), and the windowed rates it reads (owned by the aggregator before it).
 */
public final class EndpointAnomalyDetector implements Processor<Windowed<String>, SpecificRecord, String, SpecificRecord> {

    /** Name of the baseline store. */
    public static final String STORE = "endpoint-baselines";

    private final LiveRules.Derived<EndpointRules> live;
    private final String ratesStore;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, EndpointBaseline> baselines;
    private WindowStore<String, EndpointRate> rates;
    private long watermark = Long.MIN_VALUE;
    private final PendingWindows pending = new PendingWindows();

    /**
     * @param live the endpoint rules in force, with their baseline model
     * @param ratesStore the window store of the route rates
     */
    public EndpointAnomalyDetector(LiveRules.Derived<EndpointRules> live, String ratesStore) {
        this.live = live;
        this.ratesStore = ratesStore;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.baselines = context.getStateStore(STORE);
        this.rates = context.getStateStore(ratesStore);
    }

    @Override
    public void process(Record<Windowed<String>, SpecificRecord> record) {
        if (record.value() instanceof StreamProgress progress) {
            judgeNewlyEligible(progress.getWatermark());
            context.forward(new Record<>(progress.getUpstream(), progress, record.timestamp()));
            return;
        }
        String route = record.key().key();
        EndpointRate rate = (EndpointRate) record.value();
        EndpointRules rules = live.get();
        BaselineModel.Observation observation = rules.model().observe(baselines.get(route), rate, WatermarkHeader.read(record.headers()));
        if (observation.stale()) {
            return;
        }
        EndpointBaseline baseline = observation.baseline();
        if (eligible(rate.getWindowStart(), rules.model())) {
            baseline = judge(rules, baseline, rate, record.timestamp());
        } else {
            pending.update(route, rate.getWindowStart(), record.timestamp(), rate.getRequests());
        }
        baselines.put(route, baseline);
    }

    private boolean eligible(long windowStart, BaselineModel model) {
        return watermark != Long.MIN_VALUE && windowStart - model.judgingLagMs() <= watermark;
    }

    /**
     * The watermark moved: judges, in window order, the windows it has made eligible, each with the baseline learned
     * up to the moment it became eligible.
     */
    private void judgeNewlyEligible(long next) {
        if (next == Long.MIN_VALUE || next <= watermark) {
            return;
        }
        EndpointRules rules = live.get();
        BaselineModel model = rules.model();
        long window = model.windowSizeMs();
        long lag = model.judgingLagMs();
        long from = watermark == Long.MIN_VALUE ? 0 : watermark + lag + 1;
        long to = next + lag;
        watermark = next;
        pending.forgetBefore(from);
        if (from > to) {
            return;
        }
        List<KeyValue<Windowed<String>, EndpointRate>> windows = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, EndpointRate> all = rates.fetchAll(from, to)) {
            all.forEachRemaining(windows::add);
        }
        windows.sort(Comparator.comparingLong(entry -> entry.key.window().start()));
        for (KeyValue<Windowed<String>, EndpointRate> entry : windows) {
            String route = entry.key.key();
            long start = entry.key.window().start();
            EndpointBaseline current = baselines.get(route);
            if (current == null) {
                continue;
            }
            // the baseline a live update of the window would meet: learned up to a grace period before the window
            EndpointBaseline baseline = model.advance(current, start).baseline();
            long detectedAt = pending.crossedAt(route, start, rules.surgeThreshold(baseline, route, start), start + window - 1);
            baselines.put(route, judge(rules, baseline, entry.value, detectedAt));
        }
    }

    private EndpointBaseline judge(EndpointRules rules, EndpointBaseline learned, EndpointRate rate, long now) {
        EndpointBaseline baseline = learned;
        for (MitigationCandidate candidate : rules.evaluate(baseline, rate, now)) {
            if (EndpointRules.ATTACK.equals(candidate.getVerdict())) {
                baseline.setLastAttackAt(Math.max(baseline.getLastAttackAt(), now));
            }
            context.forward(new Record<>(candidate.getKey(), candidate, now));
        }
        if (rules.underAttack(baseline, now)) {
            baseline = rules.model().markAnomalous(baseline, rate.getWindowStart());
        }
        return baseline;
    }
}

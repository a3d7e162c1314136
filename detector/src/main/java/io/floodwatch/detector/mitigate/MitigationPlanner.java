package io.floodwatch.detector.mitigate;


import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import io.floodwatch.detector.rules.ControlStore;
import io.floodwatch.detector.rules.LiveRules;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.watermark.UpstreamProgress;
import io.floodwatch.detector.watermark.WatermarkSettings;
import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.StreamProgress;
import io.floodwatch.schema.target.TargetKeys;
import io.floodwatch.schema.text.LogText;

/**
 * Mitigate: turns rules' candidates into commands, one target at a time, with {@link MitigationPolicy}:
 * issue (ENFORCE or DRY_RUN), hold back what is allowlisted or too broad, do not repeat, refresh before expiry,
 * upgrade, escalate repeat offenders, and LIFT once the condition is over. Lifts follow the watermark, the event
 * time every detecting task has reached ({@link StreamProgress} from each of them): quiet is measured against the
 * slowest input, so a catch-up in which one task runs minutes ahead of another never lifts what the other's traffic
 * still asks for, and a replay lifts at the same event times as live traffic. A candidate is judged at its own
 * event time.
 *
 * <p>In: target key → {@link MitigationCandidate} (heartbeats of older versions are ignored) and upstream id →
 * {@link StreamProgress}. Out: target key → {@link MitigationCommand} and {@link io.floodwatch.schema.Anomaly}.
 * Stores: {@value #STORE}, target key → {@link MitigationState} (persistent, changelogged: a restart keeps the
 * commands in force), and {@value #UPSTREAM_STORE}, the detecting tasks' progress.
 */
public final class MitigationPlanner implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** Name of the store of commands in force. */
    public static final String STORE = "mitigations-in-force";
    /** Stage name in metrics. */
    public static final String STAGE = "plan-mitigations";
    /** Name of the store of the detecting tasks' progress. */
    public static final String UPSTREAM_STORE = "plan-mitigations-upstreams";

    private static final Logger LOG = LoggerFactory.getLogger(MitigationPlanner.class);
    private static final Duration LIFT_CHECK = Duration.ofSeconds(1);

    private final LiveRules.Derived<MitigationPolicy> live;
    private final WatermarkSettings watermarks;
    private final int expectedUpstreams;
    private final DetectorMeters meters;
    private ProcessorContext<String, SpecificRecord> context;
    private UpstreamProgress upstreams;
    private long checkedAt = Long.MIN_VALUE;
    private KeyValueStore<String, MitigationState> inForce;
    private ControlStore control;

    /**
     * @param live the command lifecycle in force
     * @param watermarks how the detecting tasks are forgotten and waited for
     * @param expectedUpstreams how many detecting tasks report progress (0 if unknown)
     * @param meters where the watermark is shown
     */
    public MitigationPlanner(LiveRules.Derived<MitigationPolicy> live, WatermarkSettings watermarks, int expectedUpstreams,
                             DetectorMeters meters) {
        this.meters = meters;
        this.live = live;
        this.watermarks = watermarks;
        this.expectedUpstreams = expectedUpstreams;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.inForce = context.getStateStore(STORE);
        this.control = new ControlStore(context.getStateStore(ControlStore.STORE));
        this.upstreams = new UpstreamProgress(context.getStateStore(UPSTREAM_STORE), watermarks, expectedUpstreams,
            context.currentSystemTimeMs());
        context.schedule(LIFT_CHECK, PunctuationType.WALL_CLOCK_TIME, wallClock -> {
            if (upstreams.forgetSilent(wallClock)) {
                onWatermark();
            }
            liftOnRequest();
        });
    }

    /** Event time now: the watermark, or stream time before any detecting task has reported. */
    private long eventTime() {
        long watermark = upstreams.watermark();
        return watermark == Long.MIN_VALUE ? context.currentStreamTimeMs() : watermark;
    }

    /** Lifts the commands of this task's targets that an operator asked to lift ({@code floodwatch lift}). */
    private void liftOnRequest() {
        for (ControlStore.LiftRequest request : control.liftRequests()) {
            MitigationState state = inForce.get(request.target());
            if (state == null) {
                continue;
            }
            long now = eventTime();
            MitigationPolicy.Decision decision = live.get().onOperatorLift(state, request.requestedAt(), now,
                context.currentSystemTimeMs());
            if (decision != null) {
                apply(request.target(), decision, now);
            }
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof StreamProgress progress) {
            if (upstreams.report(progress, context.currentSystemTimeMs())) {
                onWatermark();
            }
            return;
        }
        MitigationCandidate candidate = (MitigationCandidate) record.value();
        if (candidate.getHeartbeat()) {
            return;
        }
        String key = MitigationPolicy.stateKey(candidate);
        long now = record.timestamp();
        long wallClock = context.currentSystemTimeMs();
        MitigationState current = inForce.get(key);
        if (current != null) {
            // a target already quiet for long enough at the candidate's time is lifted first, as it would have been had
            // the watermark got there before the candidate (live, it does; in a backlog, candidates run ahead of it)
            MitigationPolicy.Decision quiet = live.get().onTick(current, now, wallClock);
            if (quiet != null) {
                apply(key, quiet, now);
                current = quiet.state();
            }
        }
        apply(key, live.get().onCandidate(current, candidate, now, wallClock), now);
    }

    /** Checks for quiet targets each time the watermark has advanced by a second or more. */
    private void onWatermark() {
        long watermark = upstreams.watermark();
        meters.watermark(STAGE, STAGE + "/" + context.taskId(), watermark);
        if (checkedAt == Long.MIN_VALUE || watermark - checkedAt >= LIFT_CHECK.toMillis()) {
            checkedAt = watermark;
            liftQuietTargets(watermark);
        }
    }

    private void liftQuietTargets(long streamTime) {
        List<KeyValue<String, MitigationPolicy.Decision>> decisions = new ArrayList<>();
        long wallClock = context.currentSystemTimeMs();
        try (KeyValueIterator<String, MitigationState> all = inForce.all()) {
            while (all.hasNext()) {
                KeyValue<String, MitigationState> entry = all.next();
                MitigationPolicy.Decision decision = live.get().onTick(entry.value, streamTime, wallClock);
                if (decision != null) {
                    decisions.add(KeyValue.pair(entry.key, decision));
                }
            }
        }
        for (KeyValue<String, MitigationPolicy.Decision> decision : decisions) {
            apply(decision.key, decision.value, streamTime);
        }
    }

    private void apply(String key, MitigationPolicy.Decision decision, long now) {
        if (decision.state() == null) {
            inForce.delete(key);
        } else {
            inForce.put(key, decision.state());
        }
        MitigationCommand command = decision.command();
        if (command != null) {
            LOG.info("{} {} {} {} ({}): {}", command.getAction(), command.getMode(), command.getScope(), command.getTarget(),
                command.getRule(), LogText.bounded(command.getReason()));
            context.forward(new Record<>(TargetKeys.key(command.getScope(), command.getTarget()), command, now));
        }
        Anomaly anomaly = decision.anomaly();
        if (anomaly != null) {
            context.forward(new Record<>(anomaly.getKey(), anomaly, now));
        }
    }
}

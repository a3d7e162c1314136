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

import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationState;

/**
 * Mitigate: turns rules' candidates into commands, one target at a time, with {@link MitigationPolicy}:
 * issue, do not repeat, refresh before expiry, upgrade, and LIFT once the condition is over (checked on a
 * stream-time punctuation every second, so a replay lifts at the same event times as live traffic).
 *
 * <p>In: target key → {@link MitigationCandidate} (heartbeats only advance stream time). Out: target key →
 * {@link MitigationCommand} and {@link io.floodwatch.schema.Anomaly}. Store: {@value #STORE}, target key →
 * {@link MitigationState} (persistent, changelogged: a restart keeps the commands in force).
 */
public final class MitigationPlanner implements Processor<String, MitigationCandidate, String, SpecificRecord> {

    /** Name of the store of commands in force. */
    public static final String STORE = "mitigations-in-force";

    private static final Logger LOG = LoggerFactory.getLogger(MitigationPlanner.class);
    private static final Duration LIFT_CHECK = Duration.ofSeconds(1);

    private final MitigationPolicy policy;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, MitigationState> inForce;

    /** @param policy the command lifecycle */
    public MitigationPlanner(MitigationPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.inForce = context.getStateStore(STORE);
        context.schedule(LIFT_CHECK, PunctuationType.STREAM_TIME, this::liftQuietTargets);
    }

    @Override
    public void process(Record<String, MitigationCandidate> record) {
        MitigationCandidate candidate = record.value();
        if (candidate.getHeartbeat()) {
            return;
        }
        String key = record.key();
        long now = context.currentStreamTimeMs();
        MitigationPolicy.Decision decision = policy.onCandidate(inForce.get(key), candidate, now, context.currentSystemTimeMs());
        inForce.put(key, decision.state());
        if (decision.command() != null) {
            MitigationCommand command = decision.command();
            LOG.info("{} {} {} ({}): {}", command.getAction(), command.getScope(), command.getTarget(), command.getRule(),
                command.getReason());
            context.forward(new Record<>(key, command, now));
        }
        if (decision.anomaly() != null) {
            context.forward(new Record<>(key, decision.anomaly(), now));
        }
    }

    private void liftQuietTargets(long streamTime) {
        List<KeyValue<String, MitigationCommand>> lifts = new ArrayList<>();
        try (KeyValueIterator<String, MitigationState> all = inForce.all()) {
            while (all.hasNext()) {
                KeyValue<String, MitigationState> entry = all.next();
                policy.liftIfQuiet(entry.value, streamTime, context.currentSystemTimeMs())
                    .ifPresent(lift -> lifts.add(KeyValue.pair(entry.key, lift)));
            }
        }
        for (KeyValue<String, MitigationCommand> lift : lifts) {
            inForce.delete(lift.key);
            LOG.info("LIFT {} {}: {}", lift.value.getScope(), lift.value.getTarget(), lift.value.getReason());
            context.forward(new Record<>(lift.key, lift.value, streamTime));
        }
    }
}

package io.floodwatch.detector.control;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.schema.text.LogText;
import io.floodwatch.detector.rules.ControlStore;
import io.floodwatch.detector.rules.LiveRules;
import io.floodwatch.detector.rules.RuleBook;

/**
 * Reads the compacted {@code detector-control} topic into the global store {@link ControlStore} and the shared
 * {@link LiveRules}: each change is validated against the rules in force; an accepted one is stored under its rule
 * id and replaces the rules everywhere at once, a rejected one is logged with its reason and stored under
 * {@code rejected:<rule id>}, and the rules in force stay as they were. Kafka Streams restores a global store by
 * replaying the topic through this processor, so after a restart the changes are validated again, in order, against
 * the start-up configuration: the rules survive restarts without trusting what was written to the topic. One limit:
 * the topic is compacted, so once compaction has run, a rejected value is all that is left of its key, and after a
 * restart that rule is back at its start-up configuration; operators' tools should validate a change before
 * producing it ({@code floodwatch rules set} does). Keys {@code lift:<target key>} are operators' requests to lift a
 * command now ({@code floodwatch lift}); they are kept in the same store for the planner tasks to act on.
 */
public final class ControlRulesProcessor implements Processor<String, String, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRulesProcessor.class);

    private final LiveRules rules;
    private KeyValueStore<String, String> store;

    /** @param rules the rules to keep current */
    public ControlRulesProcessor(LiveRules rules) {
        this.rules = rules;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(ControlStore.STORE);
    }

    @Override
    public void process(Record<String, String> record) {
        String ruleId = record.key();
        if (ControlStore.isLift(ruleId)) {
            liftRequest(ruleId, record.value());
            return;
        }
        RuleBook.Outcome outcome = rules.current().apply(ruleId, record.value());
        if (!outcome.accepted()) {
            LOG.warn("Rejected rule change for '{}': {}; the rules in force are unchanged", LogText.bounded(ruleId),
                LogText.bounded(outcome.rejection()));
            if (ruleId != null && RuleBook.RULE_SETTINGS.containsKey(ruleId)) {
                store.put(ControlStore.REJECTED + ruleId, outcome.rejection());
            }
            return;
        }
        rules.replace(outcome.book());
        if (record.value() == null) {
            store.delete(ruleId);
        } else {
            store.put(ruleId, record.value());
        }
        store.delete(ControlStore.REJECTED + ruleId);
        LOG.info("Rule change for '{}' accepted: {}", ruleId, record.value() == null ? "back to the start-up configuration"
            : LogText.bounded(record.value()));
    }

    /**
     * Keeps an operator's lift request ({@code {"requestedAt": epoch ms}}) where every planner task reads it; a
     * tombstone withdraws it. A request that does not parse is rejected with a log line.
     */
    private void liftRequest(String key, String value) {
        if (value == null) {
            store.delete(key);
            return;
        }
        if (ControlStore.requestedAt(value).isEmpty()) {
            LOG.warn("Rejected lift request '{}': expected {\"requestedAt\": <epoch ms>}", LogText.bounded(key));
            return;
        }
        store.put(key, value);
        LOG.info("Lift requested for '{}'", LogText.bounded(key.substring(ControlStore.LIFT_PREFIX.length())));
    }
}

package io.floodwatch.detector.rates;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The only class of Floodwatch that uses Kafka Streams internals, behind three narrow entry points: a commit hook
 * ({@link #commitHook(String)}), forwarding from that hook outside record processing ({@link #forwarder}), and the
 * time window of a windowed key ({@link #timeWindow}). A build rule ({@code LayersTest}) fails on an import of
 * {@code org.apache.kafka.streams.*.internals} anywhere else, so a Kafka upgrade has one place to check.
 *
 * <p>The commit hook is a state store that holds no data but tells its owning processor when Kafka Streams is about
 * to commit, so that in-memory pre-aggregates are emitted inside the transaction that commits their input offsets.
 * Kafka Streams flushes the caches of every {@link CachedStateStore} of a task first thing when it prepares a
 * commit, before it flushes the producer and commits the consumed offsets; that is how its own cached aggregations
 * emit their updates, and the hook plugs the processor's emission into the same step. So, under exactly-once,
 * nothing held in memory outlives the commit that covers its input: either the summaries and the offsets commit
 * together, or neither does and the input is reprocessed (the buffer is then cleared through the discard action, or
 * simply lost with the crashed process).
 */
public final class StreamsInternals {

    private StreamsInternals() {
    }

    /** What a processor binds to its commit hook store. */
    public interface CommitHook extends StateStore {

        /**
         * Registers what to do at each commit, before the offsets are committed, and when the buffered state must be
         * discarded (the task is closed dirty, or its uncommitted work is abandoned).
         */
        void bind(Runnable commitAction, Runnable discardAction);
    }

    /** Forwards records of a processor from outside its {@code process} call. */
    public interface Forwarder {

        /** Runs {@code forwards} as the processor, in a record context of its own stamped with the stream time. */
        void outsideRecord(String topic, Runnable forwards);
    }

    /** A builder of a commit hook store of the given name (no data, no changelog). */
    public static StoreBuilder<CommitHook> commitHook(String name) {
        return new HookBuilder(name);
    }

    /**
     * A forwarder for the processor whose {@code init} is running: call it from {@code init}, where the context's
     * current node is that processor.
     */
    public static Forwarder forwarder(ProcessorContext<?, ?> context) {
        InternalProcessorContext<?, ?> internal = ProcessorContextUtils.asInternalProcessorContext(context);
        ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
        return (topic, forwards) -> {
            ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
            ProcessorRecordContext previousContext = internal.recordContext();
            internal.setCurrentNode(node);
            internal.setRecordContext(new ProcessorRecordContext(context.currentStreamTimeMs(), -1, -1,
                topic == null ? "" : topic, new RecordHeaders()));
            try {
                forwards.run();
            } finally {
                internal.setCurrentNode(previousNode);
                internal.setRecordContext(previousContext);
            }
        };
    }

    /** The time window {@code [start, end)}, as Kafka Streams' own windowed aggregations key their results. */
    public static Window timeWindow(long start, long end) {
        return new TimeWindow(start, end);
    }

    private static final class HookStore implements CommitHook, CachedStateStore<Object, Object> {

        private final String name;
        private Runnable onCommit = () -> { };
        private Runnable onDiscard = () -> { };
        private boolean open;

        HookStore(String name) {
            this.name = name;
        }

        @Override
        public void bind(Runnable commitAction, Runnable discardAction) {
            this.onCommit = commitAction;
            this.onDiscard = discardAction;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
            context.register(root, (key, value) -> { });
            open = true;
        }

        @Override
        public void flushCache() {
            onCommit.run();
        }

        @Override
        public void clearCache() {
            onDiscard.run();
        }

        @Override
        public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
            return false;
        }

        @Override
        public void commit(Map<TopicPartition, Long> changelogOffsets) {
            // nothing is stored: emission happens in flushCache(), before the commit
        }

        @Override
        public void close() {
            open = false;
            onDiscard.run();
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }

    private static final class HookBuilder implements StoreBuilder<CommitHook> {
        private final String name;

        HookBuilder(String name) {
            this.name = name;
        }

        @Override
        public StoreBuilder<CommitHook> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("the commit hook has no changelog: it holds no data");
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingDisabled() {
            return this;
        }

        @Override
        public CommitHook build() {
            return new HookStore(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}

package io.floodwatch.detector.rates;

import java.util.Map;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds no data itself but tells its owning processor when Kafka Streams is about to
 * commit, so that in-memory pre-aggregates are emitted inside the transaction that commits their input offsets.
 *
 * <p>Kafka Streams flushes the caches of every {@link CachedStateStore} of a task first thing when it prepares a
 * commit, before it flushes the producer and commits the consumed offsets. That is the mechanism its own cached
 * aggregations use to emit their updates; this store plugs the processor's emission into the same step. So,
 * under exactly-once, nothing held in memory outlives the commit that covers its input: either the summaries
 * and the offsets commit together, or neither does and the input is reprocessed (the buffer is then cleared
 * through {@link #clearCache()} or simply lost with the crashed process).
 *
 * <p>{@code CachedStateStore} is an internal Kafka Streams interface; Floodwatch pins the Kafka version and
 * this behaviour is covered by the topology tests.
 */
public final class CommitFlushedBuffer implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private Runnable onCommit = () -> { };
    private Runnable onDiscard = () -> { };
    private boolean open;

    CommitFlushedBuffer(String name) {
        this.name = name;
    }

    /** A builder for a buffer of the given name. */
    public static StoreBuilder<CommitFlushedBuffer> builder(String name) {
        return new Builder(name);
    }

    /** Registers what to do at each commit, and when the buffered state must be discarded. */
    void bind(Runnable commitAction, Runnable discardAction) {
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
    public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
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

    private static final class Builder implements StoreBuilder<CommitFlushedBuffer> {
        private final String name;

        Builder(String name) {
            this.name = name;
        }

        @Override
        public StoreBuilder<CommitFlushedBuffer> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitFlushedBuffer> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitFlushedBuffer> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("the commit-flushed buffer has no changelog: it is empty after every commit");
        }

        @Override
        public StoreBuilder<CommitFlushedBuffer> withLoggingDisabled() {
            return this;
        }

        @Override
        public CommitFlushedBuffer build() {
            return new CommitFlushedBuffer(name);
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

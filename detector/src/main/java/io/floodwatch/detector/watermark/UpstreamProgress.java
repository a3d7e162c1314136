package io.floodwatch.detector.watermark;

import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.schema.StreamProgress;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * A task's {@link Watermarks} over its upstream tasks, kept in a changelogged store (upstream → its last
 * {@link StreamProgress}), so that after a restart or a move to another instance the task still waits for every
 * upstream it knew.
 */
public final class UpstreamProgress {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProgress.class);

    private final Watermarks watermarks;
    private final KeyValueStore<String, StreamProgress> store;

    /**
     * Restores what the store holds.
     *
     * @param store the task's store of upstream progress
     * @param settings how upstreams are forgotten and waited for
     * @param expected how many upstream tasks there are (0: unknown)
     * @param wallClock the wall clock now
     */
    public UpstreamProgress(KeyValueStore<String, StreamProgress> store, WatermarkSettings settings, int expected, long wallClock) {
        this.store = store;
        this.watermarks = new Watermarks(settings, expected);
        try (KeyValueIterator<String, StreamProgress> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, StreamProgress> entry = all.next();
                watermarks.restore(entry.key, entry.value.getWatermark(), entry.value.getIdle(), wallClock);
            }
        }
    }

    /** A store builder for a task's upstream progress (in memory, changelogged). */
    public static StoreBuilder<KeyValueStore<String, StreamProgress>> storeBuilder(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), AvroSerde.of(StreamProgress.class));
    }

    /**
     * Takes an upstream's report.
     *
     * @return whether the watermark advanced
     */
    public boolean report(StreamProgress progress, long wallClock) {
        return report(progress.getUpstream(), progress.getWatermark(), progress.getIdle(), wallClock);
    }

    /**
     * Takes the progress of an input read by this task itself.
     *
     * @return whether the watermark advanced
     */
    public boolean report(String upstream, long watermark, boolean idle, long wallClock) {
        StreamProgress previous = store.get(upstream);
        StreamProgress progress = StreamProgress.newBuilder().setUpstream(upstream).setWatermark(watermark).setIdle(idle).build();
        if (previous == null || previous.getWatermark() != progress.getWatermark() || previous.getIdle() != progress.getIdle()) {
            store.put(progress.getUpstream(), progress);
        }
        return watermarks.report(upstream, watermark, idle, wallClock);
    }

    /**
     * Called on a wall-clock schedule: ends the settling time once it is over, and forgets upstreams that fell silent
     * long ago, with one log line each.
     *
     * @return whether the watermark advanced
     */
    public boolean forgetSilent(long wallClock) {
        long before = watermarks.current();
        watermarks.advance(wallClock);
        List<String> forgotten = watermarks.forgetSilent(wallClock);
        for (String upstream : forgotten) {
            store.delete(upstream);
            LOG.warn("Upstream task {} has not reported its progress for a long time; it no longer holds back the watermark", upstream);
        }
        return watermarks.current() > before;
    }

    /** The watermark: {@link Long#MIN_VALUE} until an upstream has reported. */
    public long watermark() {
        return watermarks.current();
    }

    /** Whether any upstream has reported. */
    public boolean anyReported() {
        return !watermarks.entries().isEmpty();
    }

    /** Whether every known upstream is idle. */
    public boolean allIdle() {
        return watermarks.allIdle();
    }
}

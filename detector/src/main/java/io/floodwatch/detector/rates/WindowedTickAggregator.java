package io.floodwatch.detector.rates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.watermark.UpstreamProgress;
import io.floodwatch.detector.watermark.WatermarkHeader;
import io.floodwatch.detector.watermark.WatermarkSettings;
import io.floodwatch.detector.watermark.Watermarks;
import io.floodwatch.schema.StreamProgress;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * Rates, stage 2: merges the summaries of every upstream task into tumbling event-time windows, closed by the
 * watermark (the slowest upstream task's progress, {@link UpstreamProgress}), not by the fastest task's stream time.
 * A summary for a window that the watermark has closed (its end plus the grace period is behind it) is dropped and
 * counted ({@code floodwatch_late_records_total} / {@code floodwatch_late_requests_total}, by stage); nothing else is
 * dropped, however far apart the upstream tasks are. Windows are removed from the store once they are a grace period
 * behind the watermark.
 *
 * <p>In: key → tick (one upstream task's summary for one window) and {@link StreamProgress}. Out: the windowed key →
 * the window's aggregate so far, with the watermark in a {@link WatermarkHeader}, and (null key) → this task's own
 * {@link StreamProgress} each time its watermark advances. Stores: the window store (queried by the API) and the
 * upstreams' progress.
 *
 * @param <T> the summary type
 * @param <A> the aggregate type
 */
public final class WindowedTickAggregator<T extends SpecificRecord, A extends SpecificRecord>
    implements Processor<String, SpecificRecord, Windowed<String>, SpecificRecord> {

    /** How a summary type is merged into its aggregate. */
    public interface Aggregation<T, A> {
        /** Start of the summary's window. */
        long windowStart(T tick);

        /** Requests the summary counts. */
        long requests(T tick);

        /** The aggregate with the summary merged in; {@code aggregate} is null for a window's first summary. */
        A merge(String key, T tick, A aggregate);

        /** An aggregation from its three functions. */
        static <T, A> Aggregation<T, A> of(ToLongFunction<T> windowStart, ToLongFunction<T> requests, Merge<T, A> merge) {
            return new Aggregation<>() {
                @Override
                public long windowStart(T tick) {
                    return windowStart.applyAsLong(tick);
                }

                @Override
                public long requests(T tick) {
                    return requests.applyAsLong(tick);
                }

                @Override
                public A merge(String key, T tick, A aggregate) {
                    return merge.merge(key, tick, aggregate);
                }
            };
        }
    }

    /** Merges one summary into its window's aggregate (null for the window's first summary). */
    @FunctionalInterface
    public interface Merge<T, A> {
        /** The aggregate with the summary merged in. */
        A merge(String key, T tick, A aggregate);
    }

    /**
     * What one windowed stage is.
     *
     * @param stage the stage's name, in metrics and in the upstream ids of its progress
     * @param tickType the summary class
     * @param aggregateType the aggregate class
     * @param store the window store's name
     * @param upstreamStore the name of the store of upstream progress
     * @param windowMs window size
     * @param graceMs how far behind the watermark a window still takes summaries
     * @param watermarks how upstreams are forgotten and waited for
     * @param expectedUpstreams how many upstream tasks report progress (0 if unknown)
     */
    public record Stage<T, A>(String stage, Class<T> tickType, Class<A> aggregateType, String store, String upstreamStore,
                              long windowMs, long graceMs, WatermarkSettings watermarks, int expectedUpstreams) {
    }

    /** Stores are kept by the watermark; their own retention only has to outlast any drift between upstreams. */
    private static final Duration STORE_RETENTION = Duration.ofDays(2);
    private static final Duration FORGET_CHECK = Duration.ofSeconds(1);

    private final Stage<T, A> stage;
    private final Aggregation<T, A> aggregation;
    private final DetectorMeters meters;
    private ProcessorContext<Windowed<String>, SpecificRecord> context;
    private WindowStore<String, A> windows;
    private UpstreamProgress upstreams;
    private String upstream;
    private long removedUntil = 0;
    private boolean sentIdle;
    private long sentWatermark = Long.MIN_VALUE;

    private WindowedTickAggregator(Stage<T, A> stage, Aggregation<T, A> aggregation, DetectorMeters meters) {
        this.stage = stage;
        this.aggregation = aggregation;
        this.meters = meters;
    }

    /** A supplier that also declares the stage's stores. */
    public static <T extends SpecificRecord, A extends SpecificRecord> ProcessorSupplier<String, SpecificRecord, Windowed<String>, SpecificRecord>
        supplier(Stage<T, A> stage, Aggregation<T, A> aggregation, DetectorMeters meters) {
        meters.lateStage(stage.stage());
        meters.watermarkStage(stage.stage());
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SpecificRecord, Windowed<String>, SpecificRecord> get() {
                return new WindowedTickAggregator<>(stage, aggregation, meters);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                StoreBuilder<WindowStore<String, A>> windowStore = Stores.windowStoreBuilder(
                    Stores.inMemoryWindowStore(stage.store(), STORE_RETENTION, Duration.ofMillis(stage.windowMs()), false),
                    Serdes.String(), AvroSerde.of(stage.aggregateType()));
                return Set.of(windowStore, UpstreamProgress.storeBuilder(stage.upstreamStore()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<Windowed<String>, SpecificRecord> context) {
        this.context = context;
        this.windows = context.getStateStore(stage.store());
        this.upstreams = new UpstreamProgress(context.getStateStore(stage.upstreamStore()), stage.watermarks(),
            stage.expectedUpstreams(), context.currentSystemTimeMs());
        this.upstream = stage.stage() + "/" + context.taskId();
        context.schedule(FORGET_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (upstreams.forgetSilent(now)) {
                progressed();
            }
        });
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        SpecificRecord value = record.value();
        if (value instanceof StreamProgress progress) {
            if (upstreams.report(progress, context.currentSystemTimeMs()) || upstreams.allIdle() != sentIdle) {
                progressed();
            }
            return;
        }
        if (!stage.tickType().isInstance(value)) {
            return;
        }
        T tick = stage.tickType().cast(value);
        long start = aggregation.windowStart(tick);
        long watermark = upstreams.watermark();
        if (watermark != Long.MIN_VALUE && start + stage.windowMs() + stage.graceMs() <= watermark) {
            meters.late(stage.stage(), aggregation.requests(tick));
            return;
        }
        A merged = aggregation.merge(record.key(), tick, windows.fetch(record.key(), start));
        windows.put(record.key(), merged, start);
        context.forward(new Record<Windowed<String>, SpecificRecord>(
            new Windowed<>(record.key(), StreamsInternals.timeWindow(start, start + stage.windowMs())), merged, record.timestamp(),
            WatermarkHeader.of(watermark)));
    }

    /** Passes the progress on (the detector after it judges what the watermark made eligible), then drops old windows. */
    private void progressed() {
        long watermark = upstreams.watermark();
        if (watermark != Long.MIN_VALUE) {
            meters.watermark(stage.stage(), upstream, watermark);
        }
        boolean idle = upstreams.allIdle();
        if (idle != sentIdle || sentWatermark == Long.MIN_VALUE || Watermarks.worthSending(watermark, sentWatermark)) {
            sentIdle = idle;
            sentWatermark = watermark;
            StreamProgress progress = StreamProgress.newBuilder().setUpstream(upstream).setWatermark(watermark)
                .setIdle(idle).build();
            context.forward(new Record<>(null, progress, Math.max(0, watermark)));
        }
        if (sentWatermark != Long.MIN_VALUE) {
            removeWindowsBefore(sentWatermark - stage.windowMs() - stage.graceMs());
        }
    }

    private void removeWindowsBefore(long boundary) {
        if (boundary <= removedUntil) {
            return;
        }
        List<KeyValue<Windowed<String>, A>> expired = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, A> all = windows.fetchAll(removedUntil, boundary - 1)) {
            all.forEachRemaining(expired::add);
        }
        for (KeyValue<Windowed<String>, A> window : expired) {
            windows.put(window.key.key(), null, window.key.window().start());
        }
        removedUntil = boundary;
    }
}

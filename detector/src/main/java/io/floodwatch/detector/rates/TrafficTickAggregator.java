package io.floodwatch.detector.rates;

import java.time.Duration;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rules.LiveRules;
import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.StreamProgress;
import io.floodwatch.detector.watermark.InputLag;
import io.floodwatch.detector.watermark.InputWatermark;
import io.floodwatch.detector.watermark.UpstreamProgress;
import io.floodwatch.detector.watermark.Watermarks;
import io.floodwatch.detector.watermark.WatermarkSettings;
import io.floodwatch.schema.target.TargetKeys;

/**
 * Rates, stage 1: pre-aggregates validated request events locally per task, with no repartition and no store
 * write per event. At every commit it emits compact summaries: one {@link EndpointTick} per route and window
 * (keyed by route) and one {@link SourceTick} per heavy source IP or prefix and window (keyed
 * {@code ip:<address>} / {@code prefix:<cidr>}). The {@code requests} topic is keyed by source IP, so all of a
 * source's events are already in one task.
 *
 * <p>After the summaries of each commit it sends its progress, a {@link StreamProgress} to every partition of both
 * tick topics: the event time up to which it has processed its input. Its input is its partition of
 * {@code requests} (gateways) and of the re-keyed JSON events, into which every JSON task writes at its own pace; so
 * its progress is the minimum of its own partition's event time and the progress each JSON task reports (idle
 * inputs aside), and the windows downstream close on the slowest task's progress, never on the fastest one's.
 *
 * <p>In: {@code String} source IP → {@link RequestEvent}, and {@link StreamProgress} of JSON tasks. Out: route or
 * source key → {@link EndpointTick} or {@link SourceTick}, timestamped inside their window, and
 * {@value #ENDPOINT_PROGRESS_KEY} / {@value #SOURCE_PROGRESS_KEY} → {@link StreamProgress}. Stores:
 * {@link StreamsInternals.CommitHook} (no data; commit hook), {@value #UPSTREAM_STORE} (the progress of its inputs) and
 * {@value SourceMemorySnapshots#STORE}, the task's memory of sources seen, saved every five minutes of wall-clock
 * time and read back when the task starts.
 */
public final class TrafficTickAggregator implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** Name of the commit hook store. */
    public static final String BUFFER_STORE = "traffic-tick-buffer";
    /** Name of the store of the inputs' progress. */
    public static final String UPSTREAM_STORE = "traffic-tick-upstreams";
    /** Key of the progress records bound for the endpoint ticks. */
    public static final String ENDPOINT_PROGRESS_KEY = "progress:endpoint-ticks";
    /** Key of the progress records bound for the source ticks. */
    public static final String SOURCE_PROGRESS_KEY = "progress:source-ticks";
    /** Stage name in the upstream ids of progress records. */
    public static final String STAGE = "traffic-ticks";

    private static final int IDLE_ROUTE_WINDOWS = 30;
    /**
     * How many windows behind the fastest input a window is kept at most for its verdict, when the inputs drift
     * apart (JSON tasks reading a backlog at different speeds drift by minutes): past that, a window is judged on what
     * it has, to bound memory.
     */
    private static final int MAX_DRIFT_WINDOWS = 60;
    /**
     * A tick covers at most this fraction of a window of event time: at full replay speed a commit interval can hold
     * minutes of traffic, and a tick as long as that would date every summary at the end of its window, so the ticks
     * of a backlog are cut by event time (emitted within the transaction, no extra commit) and look like live ones.
     */
    private static final int TICKS_PER_WINDOW = 5;
    private static final double SOURCE_MEMORY_FPP = 0.01;
    private static final java.time.Duration SNAPSHOT_INTERVAL = java.time.Duration.ofMinutes(5);

    private final FloodwatchConfig config;
    private final LiveRules.Derived<TrafficTick.Settings> floors;
    private final long windowSizeMs;
    private final long maxTickSpanMs;
    private ProcessorContext<String, SpecificRecord> context;
    private StreamsInternals.Forwarder forwarder;
    private TrafficTick tick;
    private RouteNormalizer routes;
    private String sourceTopic;
    private long tickStart = Long.MIN_VALUE;
    private final String requestsTopic;
    private final long idleMs;
    private final WatermarkSettings watermarkSettings;
    private UpstreamProgress upstreams;
    private String upstream;
    private String ownInput;
    private InputWatermark own;
    private long sentWatermark = Long.MIN_VALUE;
    private boolean sentIdle = true;
    private boolean everSent;

    private final int expectedUpstreams;
    private final InputLag lag;

    private TrafficTickAggregator(FloodwatchConfig config, LiveRules rules, int expectedUpstreams, InputLag lag) {
        this.expectedUpstreams = expectedUpstreams;
        this.lag = lag;
        this.config = config;
        this.floors = new LiveRules.Derived<>(rules, book -> settings(book.config()));
        this.windowSizeMs = config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG);
        this.maxTickSpanMs = Math.max(1, windowSizeMs / TICKS_PER_WINDOW);
        this.requestsTopic = config.getString(FloodwatchConfig.TOPIC_REQUESTS_CONFIG);
        this.idleMs = config.getLong(FloodwatchConfig.WATERMARK_IDLE_CONFIG);
        this.watermarkSettings = WatermarkSettings.from(config);
    }

    /**
     * Supplier that also declares the stores.
     *
     * @param config start-up configuration (sizes)
     * @param rules the rules in force, whose limits set the reporting floors
     * @param expectedUpstreams how many inputs report progress to each task (the JSON tasks and its own partition
     *                          of {@code requests}; 0 if unknown)
     * @param lag whether the task's partition of {@code requests} is caught up (its silence counts only then)
     */
    public static ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> supplier(FloodwatchConfig config, LiveRules rules,
                                                                                           int expectedUpstreams, InputLag lag) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SpecificRecord, String, SpecificRecord> get() {
                return new TrafficTickAggregator(config, rules, expectedUpstreams, lag);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(StreamsInternals.commitHook(BUFFER_STORE), SourceMemorySnapshots.builder(),
                    UpstreamProgress.storeBuilder(UPSTREAM_STORE));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.forwarder = StreamsInternals.forwarder(context);
        SourceMemory memory = new SourceMemory(config.getLong(FloodwatchConfig.SOURCES_MEMORY_PERIOD_CONFIG),
            config.getLong(FloodwatchConfig.SOURCES_MEMORY_CAPACITY_CONFIG), SOURCE_MEMORY_FPP);
        SourceMemorySnapshots snapshots = new SourceMemorySnapshots(context.getStateStore(SourceMemorySnapshots.STORE));
        snapshots.restore(memory);
        context.schedule(SNAPSHOT_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> snapshots.save(memory));
        this.tick = new TrafficTick(settings(config), memory);
        this.routes = new RouteNormalizer(config.getInt(FloodwatchConfig.ROUTES_MAX_CONFIG));
        this.upstreams = new UpstreamProgress(context.getStateStore(UPSTREAM_STORE), watermarkSettings, expectedUpstreams,
            context.currentSystemTimeMs());
        this.upstream = STAGE + "/" + context.taskId();
        this.ownInput = requestsTopic + "/" + context.taskId().partition();
        int partition = context.taskId().partition();
        this.own = new InputWatermark(idleMs, context.currentSystemTimeMs(), () -> lag.caughtUp(requestsTopic, partition));
        StreamsInternals.CommitHook buffer = context.getStateStore(BUFFER_STORE);
        buffer.bind(this::emit, tick::clear);
        long interval = config.getLong(FloodwatchConfig.COMMIT_INTERVAL_CONFIG);
        context.schedule(Duration.ofMillis(Math.max(100, interval)), PunctuationType.WALL_CLOCK_TIME, this::checkIdle);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof StreamProgress progress) {
            upstreams.report(progress, context.currentSystemTimeMs());
            announceActive();
            return;
        }
        RequestEvent event = (RequestEvent) record.value();
        long timestamp = record.timestamp();
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        if (topic.equals(requestsTopic)) {
            boolean first = !own.hasInput();
            own.observe(timestamp);
            if (first) {
                upstreams.report(ownInput, Long.MIN_VALUE, false, context.currentSystemTimeMs());
                announceActive();
            }
        }
        if (tickStart == Long.MIN_VALUE) {
            tickStart = timestamp;
        } else if (timestamp - tickStart >= maxTickSpanMs) {
            drainAndForward();
            tickStart = timestamp;
        }
        Route route = routes.route(event.getMethod(), event.getPath(), tick.windowStart(timestamp));
        tick.add(event, route, timestamp);
        if (sourceTopic == null) {
            sourceTopic = topic;
        }
    }

    /**
     * Every commit interval (wall clock): updates the progress of this task's own partition, and when nothing waits
     * to be emitted, sends a change of progress right away (a task without input commits nothing, so {@link #emit}
     * would not run).
     */
    private void checkIdle(long now) {
        reportOwn(now);
        upstreams.forgetSilent(now);
        long watermark = upstreams.watermark();
        if (watermark != Long.MIN_VALUE && tick.closeWindowsUpTo(watermark)) {
            // the input fell silent after a window ended: its verdict goes out now, not with the next event
            drainAndForward();
        } else if (tick.isEmpty()) {
            forwardProgress(progressTimestamp());
        }
    }

    private void reportOwn(long now) {
        if (own.hasInput()) {
            upstreams.report(ownInput, own.watermark(now), false, now);
        } else if (own.idle(now)) {
            upstreams.report(ownInput, Long.MIN_VALUE, true, now);
        }
    }

    private long progressTimestamp() {
        return Math.max(0, upstreams.watermark());
    }

    /**
     * When an input becomes active again, says at once that this task is no longer idle, with the progress last
     * sent, so that the tasks downstream wait for it.
     */
    private void announceActive() {
        if (everSent && sentIdle && !upstreams.allIdle()) {
            send(sentWatermark, false, progressTimestamp());
        }
    }

    /** Sends this task's progress to both tick topics if it changed; only once everything it covers was forwarded. */
    private void forwardProgress(long timestamp) {
        long watermark = upstreams.watermark();
        boolean idle = upstreams.allIdle();
        if (!upstreams.anyReported() || (everSent && idle == sentIdle && !Watermarks.worthSending(watermark, sentWatermark))) {
            return;
        }
        send(watermark, idle, timestamp);
    }

    private void send(long watermark, boolean idle, long timestamp) {
        StreamProgress progress = StreamProgress.newBuilder().setUpstream(upstream).setWatermark(watermark).setIdle(idle).build();
        context.forward(new Record<>(ENDPOINT_PROGRESS_KEY, progress, timestamp));
        context.forward(new Record<>(SOURCE_PROGRESS_KEY, progress, timestamp));
        sentWatermark = watermark;
        sentIdle = idle;
        everSent = true;
    }

    /** At each commit: everything in memory is forwarded, inside the transaction that commits its input. */
    private void emit() {
        tickStart = Long.MIN_VALUE;
        forwarder.outsideRecord(sourceTopic, this::drainAndForward);
    }

    /** Forwards the tick's summaries, then this task's progress. */
    private void drainAndForward() {
        reportOwn(context.currentSystemTimeMs());
        long watermark = upstreams.watermark();
        if (watermark != Long.MIN_VALUE) {
            tick.closeWindowsUpTo(watermark);
        }
        if (tick.isEmpty()) {
            forwardProgress(progressTimestamp());
            return;
        }
        long streamTime = context.currentStreamTimeMs();
        // windows are kept until the slowest input is past them (all of them while it is not known yet), so that a
        // window's verdict waits for all of it, but no further than MAX_DRIFT_WINDOWS behind the fastest input
        long driftBound = tick.windowStart(streamTime) - windowSizeMs * MAX_DRIFT_WINDOWS;
        long oldestKept = watermark == Long.MIN_VALUE ? driftBound
            : Math.max(tick.windowStart(Math.min(streamTime, watermark)) - windowSizeMs * 2, driftBound);
        tick.useFloors(floors.get());
        TrafficTick.Summaries summaries = tick.drain(oldestKept);
        routes.evictIdle(tick.windowStart(streamTime) - windowSizeMs * IDLE_ROUTE_WINDOWS);
        for (EndpointTick endpoint : summaries.endpoints()) {
            context.forward(new Record<>(endpoint.getRoute(), endpoint,
                timestampIn(endpoint.getWindowStart(), summaries.maxTimestamp())));
        }
        for (SourceTick source : summaries.sources()) {
            context.forward(new Record<>(TargetKeys.key(source.getScope(), source.getSource()), source,
                timestampIn(source.getWindowStart(), summaries.maxTimestamp())));
        }
        // stamped with the event time they were taken at, which no progress sent so far has passed
        for (TrafficTick.Verdict verdict : summaries.verdicts()) {
            SourceTick source = verdict.source();
            context.forward(new Record<>(TargetKeys.key(source.getScope(), source.getSource()), source, verdict.at()));
        }
        forwardProgress(progressTimestamp());
    }

    /**
     * The tick's sizes and floors: a source is reported once it reaches half its smallest limit (absolute, or the
     * floor of the relative one for requests without an account), so any source near or over a limit is reported in
     * every tick.
     */
    static TrafficTick.Settings settings(FloodwatchConfig config) {
        return new TrafficTick.Settings(config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG),
            config.getInt(FloodwatchConfig.REGIONS_MAX_CONFIG), config.getInt(FloodwatchConfig.SOURCES_SKETCH_SIZE_CONFIG),
            config.getInt(FloodwatchConfig.SOURCES_TICK_TOP_CONFIG), config.getInt(FloodwatchConfig.IPV4_PREFIX_CONFIG),
            config.getInt(FloodwatchConfig.IPV6_PREFIX_CONFIG), config.getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG) / 2,
            config.getDouble(FloodwatchConfig.PREFIX_THROTTLE_RATE_CONFIG) / 2,
            Math.min(config.getDouble(FloodwatchConfig.IP_FAILURE_RATE_CONFIG), config.getDouble(FloodwatchConfig.PREFIX_FAILURE_RATE_CONFIG)) / 2,
            config.getDouble(FloodwatchConfig.RELATIVE_THROTTLE_MIN_CONFIG) / 2, config.getDouble(FloodwatchConfig.RELATIVE_QUANTILE_CONFIG),
            config.getInt(FloodwatchConfig.SOURCES_POPULATION_LG_CONFIG), config.getInt(FloodwatchConfig.SOURCES_PROFILED_MAX_CONFIG),
            config.getInt(FloodwatchConfig.SHARED_MIN_IDENTITIES_CONFIG),
            config.getLong(FloodwatchConfig.SOURCES_VERDICT_SETTLE_CONFIG),
            config.getLong(FloodwatchConfig.SOURCES_VERDICT_STEP_CONFIG),
            config.getInt(FloodwatchConfig.SOURCES_WINDOW_SKETCH_SIZE_CONFIG),
            config.widerLengths(FloodwatchConfig.IPV4_WIDER_CONFIG), config.widerLengths(FloodwatchConfig.IPV6_WIDER_CONFIG));
    }

    private long timestampIn(long windowStart, long maxTimestamp) {
        return Math.max(windowStart, Math.min(maxTimestamp, windowStart + windowSizeMs - 1));
    }
}

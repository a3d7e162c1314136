package io.floodwatch.detector.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.KeyValue;
import java.util.Set;
import java.util.function.Supplier;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.control.ControlRulesProcessor;
import io.floodwatch.detector.rules.AsnDatabase;
import io.floodwatch.detector.rules.ControlStore;
import io.floodwatch.detector.rules.LiveRules;
import io.floodwatch.detector.rules.RuleBook;
import io.floodwatch.detector.detect.BaselineModel;
import io.floodwatch.detector.detect.EndpointAnomalyDetector;
import io.floodwatch.detector.detect.EndpointRules;
import io.floodwatch.detector.detect.SourceLimitDetector;
import io.floodwatch.detector.detect.SourceRateLimits;
import io.floodwatch.detector.ingest.EventTimeExtractor;
import io.floodwatch.detector.ingest.RequestValidator;
import io.floodwatch.detector.ingest.ValidateRequests;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.mitigate.MitigationPlanner;
import io.floodwatch.detector.mitigate.MitigationPolicy;
import io.floodwatch.detector.mitigate.SignCommands;
import io.floodwatch.detector.rates.EndpointRates;
import io.floodwatch.detector.rates.TrafficTickAggregator;
import io.floodwatch.detector.rates.WindowedTickAggregator;
import io.floodwatch.detector.ingest.KeyJsonBySource;
import io.floodwatch.detector.watermark.InputLag;
import io.floodwatch.detector.watermark.ProgressPartitioner;
import io.floodwatch.detector.watermark.UpstreamProgress;
import io.floodwatch.detector.watermark.WatermarkSettings;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.StreamProgress;
import io.floodwatch.schema.serde.AvroUnionSerde;
import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.sign.CommandSignatures;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.SourceRate;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * Builds the detector's topology: ingest → rates → detect → mitigate → publish.
 *
 * <pre>
 * requests-json ─ decode (DLQ) ─ validate (DLQ) ─ key by source IP (+ progress) ─▶ [json-requests] ─┐
 * requests ─ validate (DLQ) ─────────────────────────────────────────────────────────────────────────┤
 *                          aggregate-traffic-ticks (per task, emitted at each commit, + progress) ◀─┘
 *     ├─ endpoint ticks ─▶ [endpoint-ticks] ─ windowed endpoint rates (watermark) ─▶ endpoint-rates
 *     │                                        └─ detect-endpoint-anomalies (baselines) ─┐
 *     └─ source ticks ───▶ [source-ticks] ─── windowed source rates (watermark) ─ detect-source-limits ┤
 *                                                                                          ▼
 *                                      [mitigation-candidates] ─ plan-mitigations (watermark) ─ sign ─▶ mitigations; ─▶ anomalies
 * detector-control ─ validate rule changes ─▶ global store + live rules (read by every detect and mitigate step)
 * </pre>
 * Every stage that merges several upstream tasks closes its windows, and lifts its commands, on their watermark:
 * each upstream task multicasts its progress in event time ({@code StreamProgress}) after the records it covers,
 * and the watermark is the slowest active upstream's progress. So results are a function of the events, whatever
 * the pace: live, paced replay, or a backlog at full speed. Every processor, store and repartition topic is named.
 * Building is separate from start-up: tests call {@link #build()} with the same configuration as production.
 */
public final class FloodwatchTopology {

    /** Windowed per-endpoint aggregate store. */
    public static final String ENDPOINT_RATE_STORE = "endpoint-rate-store";
    /** Windowed per-source aggregate store. */
    public static final String SOURCE_RATE_STORE = "source-rate-store";
    /** Stage name of the windowed endpoint rates (metrics, progress). */
    public static final String ENDPOINT_RATES_STAGE = "endpoint-rates";
    /** Stage name of the windowed source rates (metrics, progress). */
    public static final String SOURCE_RATES_STAGE = "source-rates";

    private final FloodwatchConfig config;
    private final Topics topics;
    private final long windowMs;
    private final long graceMs;
    private final LiveRules rules;
    private final AsnDatabase asns;
    private final CommandSignatures signatures;
    private final DetectorMeters meters;
    private final int requestsPartitions;
    private final int jsonPartitions;
    private final WatermarkSettings watermarks;
    private final InputLag lag;

    /**
     * A topology whose re-keyed JSON events get as many partitions as Kafka Streams gives them by default (those of
     * {@code requests-json}).
     *
     * @param config configuration
     * @param topics the external topics
     * @param meters the detector's meters
     */
    public FloodwatchTopology(FloodwatchConfig config, Topics topics, DetectorMeters meters) {
        this(config, topics, meters, 0, 0, InputLag.NONE);
    }

    /**
     * @param config configuration
     * @param topics the external topics
     * @param meters the detector's meters
     * @param requestsPartitions partitions of {@code requests}, which the re-keyed JSON events get too, so that a
     *                           source's binary and JSON events meet in one task (0: Kafka Streams' default)
     * @param jsonPartitions partitions of {@code requests-json}
     *                       (with {@code requestsPartitions}, how many upstream tasks each watermark waits for; 0:
     *                       unknown, each upstream counts from its first report)
     * @param lag whether an input partition is caught up: the tasks that read the input count its silence only then
     */
    public FloodwatchTopology(FloodwatchConfig config, Topics topics, DetectorMeters meters, int requestsPartitions,
                              int jsonPartitions, InputLag lag) {
        this.lag = lag;
        this.config = config;
        this.topics = topics;
        this.meters = meters;
        this.requestsPartitions = requestsPartitions;
        this.jsonPartitions = jsonPartitions;
        this.watermarks = WatermarkSettings.from(config);
        this.windowMs = config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG);
        this.graceMs = config.getLong(FloodwatchConfig.WINDOW_GRACE_CONFIG);
        this.rules = new LiveRules(RuleBook.of(config));
        this.asns = AsnDatabase.open(FloodwatchConfig.ASN_DATABASE_CONFIG, config.getString(FloodwatchConfig.ASN_DATABASE_CONFIG));
        this.signatures = new CommandSignatures(config.signingKeys());
    }

    /** The rules in force, as changed at run time through {@code detector-control}. */
    public LiveRules rules() {
        return rules;
    }

    /** The topology. */
    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        RequestValidator validator = new RequestValidator(config.getLong(FloodwatchConfig.TIMESTAMP_MAX_FUTURE_CONFIG),
            config.getLong(FloodwatchConfig.TIMESTAMP_MAX_PAST_CONFIG));
        EventTimeExtractor eventTime = new EventTimeExtractor(config.getLong(FloodwatchConfig.TIMESTAMP_MAX_FUTURE_CONFIG));

        KStream<String, SpecificRecord> json = ingestJson(builder, validator, eventTime);
        control(builder);

        KStream<String, SpecificRecord> ticks = builder
            .stream(topics.requests().name(), Consumed.with(topics.requests().keySerde(), topics.requests().valueSerde())
                .withTimestampExtractor(eventTime).withName("requests-source"))
            .processValues(() -> new ValidateRequests<String>(validator), Named.as("validate-requests"))
            .mapValues(event -> (SpecificRecord) event, Named.as("as-request-records"))
            .merge(json, Named.as("merge-requests"))
            .peek((key, event) -> {
                if (event instanceof RequestEvent) {
                    meters.eventIn();
                }
            }, Named.as("count-events-in"))
            .process(TrafficTickAggregator.supplier(config, rules,
                requestsPartitions > 0 && jsonPartitions > 0 ? jsonPartitions + 1 : 0, lag), Named.as("aggregate-traffic-ticks"));

        var branches = ticks.split(Named.as("ticks-"))
            .branch((key, value) -> value instanceof EndpointTick || TrafficTickAggregator.ENDPOINT_PROGRESS_KEY.equals(key),
                Branched.as("endpoint"))
            .defaultBranch(Branched.as("source"));

        KStream<String, SpecificRecord> endpointCandidates = endpointRates(branches.get("ticks-endpoint"));
        KStream<String, SpecificRecord> sourceCandidates = sourceRates(branches.get("ticks-source"));

        mitigate(builder, endpointCandidates.merge(sourceCandidates, Named.as("merge-candidates")));
        return builder.build();
    }

    /**
     * JSON events, validated, keyed by source IP and repartitioned like {@code requests}, with the JSON tasks'
     * progress multicast after them.
     */
    private KStream<String, SpecificRecord> ingestJson(StreamsBuilder builder, RequestValidator validator, EventTimeExtractor eventTime) {
        Repartitioned<String, SpecificRecord> rekeyed = Repartitioned.<String, SpecificRecord>as("json-requests")
            .withKeySerde(Serdes.String()).withValueSerde(AvroUnionSerde.of(RequestEvent.class, StreamProgress.class))
            .withStreamPartitioner(new ProgressPartitioner());
        if (requestsPartitions > 0) {
            rekeyed = rekeyed.withNumberOfPartitions(requestsPartitions);
        }
        long interval = Math.max(100, config.getLong(FloodwatchConfig.COMMIT_INTERVAL_CONFIG));
        long idleMs = config.getLong(FloodwatchConfig.WATERMARK_IDLE_CONFIG);
        return builder.stream(topics.requestsJson().name(), topics.requestsJson().consumed().withTimestampExtractor(eventTime))
            .processValues(() -> new ValidateRequests<byte[]>(validator), Named.as("validate-json-requests"))
            .process(() -> new KeyJsonBySource(interval, idleMs, lag, topics.requestsJson().name()), Named.as("key-json-by-source"))
            .repartition(rekeyed);
    }

    private void control(StreamsBuilder builder) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ControlStore.STORE),
                Serdes.String(), Serdes.String()).withLoggingDisabled(),
            topics.control().name(), Consumed.with(Serdes.String(), Serdes.String()).withName("detector-control-source"),
            () -> new ControlRulesProcessor(rules));
    }

    private KStream<String, SpecificRecord> endpointRates(KStream<String, SpecificRecord> ticks) {
        EndpointRates rates = new EndpointRates(windowMs, config.getInt(FloodwatchConfig.REGIONS_MAX_CONFIG));
        WindowedTickAggregator.Stage<EndpointTick, EndpointRate> stage = new WindowedTickAggregator.Stage<>(ENDPOINT_RATES_STAGE,
            EndpointTick.class, EndpointRate.class, ENDPOINT_RATE_STORE, "endpoint-rate-upstreams", windowMs, graceMs, watermarks,
            requestsPartitions);
        KStream<Windowed<String>, SpecificRecord> updates = ticks
            .repartition(ticksRepartitioned("endpoint-ticks"))
            .process(WindowedTickAggregator.supplier(stage, WindowedTickAggregator.Aggregation.of(EndpointTick::getWindowStart,
                EndpointTick::getRequests, (route, tick, aggregate) -> rates.merge(route, tick,
                    aggregate == null ? EndpointRates.empty() : aggregate)), meters), Named.as("aggregate-endpoint-rates"));

        updates.filter((window, value) -> value instanceof EndpointRate, Named.as("endpoint-rate-updates"))
            .map((window, rate) -> KeyValue.pair(window.key(), (EndpointRate) rate), Named.as("endpoint-rates-by-route"))
            .peek((route, rate) -> meters.endpointRateOut(), Named.as("count-endpoint-rates-out"))
            .to(topics.endpointRates().name(), topics.endpointRates().produced());

        StoreBuilder<KeyValueStore<String, EndpointBaseline>> baselines = Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(EndpointAnomalyDetector.STORE), Serdes.String(), AvroSerde.of(EndpointBaseline.class));
        return updates.process(supplierWithStore(() -> new EndpointAnomalyDetector(new LiveRules.Derived<>(rules,
                book -> new EndpointRules(book.config(), BaselineModel.from(book.config()))), ENDPOINT_RATE_STORE), baselines),
            Named.as("detect-endpoint-anomalies"), ENDPOINT_RATE_STORE);
    }

    private KStream<String, SpecificRecord> sourceRates(KStream<String, SpecificRecord> ticks) {
        WindowedTickAggregator.Stage<SourceTick, SourceRate> stage = new WindowedTickAggregator.Stage<>(SOURCE_RATES_STAGE,
            SourceTick.class, SourceRate.class, SOURCE_RATE_STORE, "source-rate-upstreams", windowMs, graceMs, watermarks,
            requestsPartitions);
        return ticks
            .repartition(ticksRepartitioned("source-ticks"))
            .process(WindowedTickAggregator.supplier(stage, WindowedTickAggregator.Aggregation.of(SourceTick::getWindowStart,
                SourceTick::getRequests, this::mergeSourceTick), meters), Named.as("aggregate-source-rates"))
            .process(() -> new SourceLimitDetector(new LiveRules.Derived<>(rules, book -> new SourceRateLimits(book.config()))),
                Named.as("detect-source-limits"));
    }

    /**
     * Sums a source's counts over ticks. An IP's ticks all come from the one task its address is partitioned to, in
     * order, so its requests without an account and its identities (both counted over the window so far) are the
     * largest reported, and its population the latest.
     */
    private SourceRate mergeSourceTick(String key, SourceTick tick, SourceRate rate) {
        boolean first = rate == null;
        boolean population = tick.getPopulationSources() > 0;
        return SourceRate.newBuilder()
            .setScope(tick.getScope()).setSource(tick.getSource()).setWindowStart(tick.getWindowStart())
            .setWindowEnd(tick.getWindowStart() + windowMs)
            .setRequests((first ? 0 : rate.getRequests()) + tick.getRequests())
            .setFailures((first ? 0 : rate.getFailures()) + tick.getFailures())
            .setAnonymous(Math.max(first ? 0 : rate.getAnonymous(), tick.getAnonymous()))
            .setIdentities(Math.max(first ? 0 : rate.getIdentities(), tick.getIdentities()))
            .setPopulationCount(population || first ? tick.getPopulationCount() : rate.getPopulationCount())
            .setPopulationSources(population || first ? tick.getPopulationSources() : rate.getPopulationSources())
            .setSharedRequests((first ? 0 : rate.getSharedRequests()) + tick.getSharedRequests())
            .build();
    }

    private static Repartitioned<String, SpecificRecord> ticksRepartitioned(String name) {
        return Repartitioned.<String, SpecificRecord>as(name).withKeySerde(Serdes.String())
            .withValueSerde(AvroUnionSerde.of(EndpointTick.class, SourceTick.class, StreamProgress.class))
            .withStreamPartitioner(new ProgressPartitioner());
    }

    private void mitigate(StreamsBuilder builder, KStream<String, SpecificRecord> candidates) {
        meters.watermarkStage(MitigationPlanner.STAGE);
        StoreBuilder<KeyValueStore<String, MitigationState>> inForce = Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(MitigationPlanner.STORE), Serdes.String(), AvroSerde.of(MitigationState.class));

        var outputs = candidates
            .repartition(Repartitioned.<String, SpecificRecord>as("mitigation-candidates")
                .withKeySerde(Serdes.String()).withValueSerde(AvroUnionSerde.of(MitigationCandidate.class, StreamProgress.class))
                .withStreamPartitioner(new ProgressPartitioner()))
            .process(supplierWithStores(() -> new MitigationPlanner(new LiveRules.Derived<>(rules,
                book -> new MitigationPolicy(MitigationPolicy.Settings.from(book.config()), asns)), watermarks, 2 * requestsPartitions, meters),
                Set.of(inForce, UpstreamProgress.storeBuilder(MitigationPlanner.UPSTREAM_STORE))), Named.as("plan-mitigations"))
            .split(Named.as("planned-"))
            .branch((key, value) -> value instanceof MitigationCommand, Branched.as("commands"))
            .defaultBranch(Branched.as("anomalies"));
        KStream<String, MitigationCommand> commands = outputs.get("planned-commands")
            .mapValues(value -> (MitigationCommand) value, Named.as("as-commands"))
            .peek((key, command) -> meters.command(command), Named.as("count-commands"));
        if (signatures.enabled()) {
            commands = commands.processValues(() -> new SignCommands(signatures), Named.as("sign-commands"));
        }
        commands.to(topics.mitigations().name(), topics.mitigations().produced());
        outputs.get("planned-anomalies").mapValues(value -> (Anomaly) value, Named.as("as-anomalies"))
            .peek((key, anomaly) -> meters.anomaly(anomaly), Named.as("count-anomalies"))
            .to(topics.anomalies().name(), topics.anomalies().produced());
    }

    private static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> supplierWithStore(
        Supplier<Processor<KIn, VIn, KOut, VOut>> factory, StoreBuilder<?> store) {
        return supplierWithStores(factory, Set.of(store));
    }

    private static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> supplierWithStores(
        Supplier<Processor<KIn, VIn, KOut, VOut>> factory, Set<StoreBuilder<?>> stores) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                return factory.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return stores;
            }
        };
    }
}

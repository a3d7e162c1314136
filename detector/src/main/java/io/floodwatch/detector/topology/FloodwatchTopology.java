package io.floodwatch.detector.topology;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.KeyValue;
import java.util.Set;
import java.util.function.Supplier;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.control.ControlRulesProcessor;
import io.floodwatch.detector.control.LiveRules;
import io.floodwatch.detector.control.RuleBook;
import io.floodwatch.detector.detect.BaselineModel;
import io.floodwatch.detector.detect.EndpointAnomalyDetector;
import io.floodwatch.detector.detect.EndpointRules;
import io.floodwatch.detector.detect.SourceLimitDetector;
import io.floodwatch.detector.detect.SourceRateLimits;
import io.floodwatch.detector.ingest.EventTimeExtractor;
import io.floodwatch.detector.ingest.RequestValidator;
import io.floodwatch.detector.ingest.ValidateRequests;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.mitigate.HeartbeatPartitioner;
import io.floodwatch.detector.mitigate.MitigationPlanner;
import io.floodwatch.detector.mitigate.MitigationPolicy;
import io.floodwatch.detector.rates.EndpointRates;
import io.floodwatch.detector.rates.TrafficTickAggregator;
import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.SourceRate;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * Builds the detector's topology: ingest → rates → detect → mitigate → publish.
 *
 * <pre>
 * requests-json ─ decode (DLQ) ─ validate (DLQ) ─ key by source IP ─▶ requests
 * detector-control ─ validate rule changes ─▶ global store + live rules (read by every detect and mitigate step)
 * requests ─ validate (DLQ) ─ aggregate-traffic-ticks (per task, emitted at each commit)
 *     ├─ endpoint ticks ─▶ [endpoint-ticks] ─ windowed endpoint rates ─▶ endpoint-rates
 *     │                                        └─ detect-endpoint-anomalies (baselines) ─┐
 *     └─ source ticks ───▶ [source-ticks] ─── windowed source rates ─ detect-source-limits ┤
 *                                                                                          ▼
 *                                      [mitigation-candidates] ─ plan-mitigations ─▶ mitigations, anomalies
 * </pre>
 * Every processor, store and repartition topic is named. Building is separate from start-up: tests call
 * {@link #build()} with the same configuration as production.
 */
public final class FloodwatchTopology {

    /** Windowed per-endpoint aggregate store. */
    public static final String ENDPOINT_RATE_STORE = "endpoint-rate-store";
    /** Windowed per-source aggregate store. */
    public static final String SOURCE_RATE_STORE = "source-rate-store";

    private final FloodwatchConfig config;
    private final Topics topics;
    private final long windowMs;
    private final long graceMs;
    private final LiveRules rules;
    private final DetectorMeters meters;

    /**
     * @param config configuration
     * @param topics the external topics
     * @param meters the detector's meters
     */
    public FloodwatchTopology(FloodwatchConfig config, Topics topics, DetectorMeters meters) {
        this.config = config;
        this.topics = topics;
        this.meters = meters;
        this.windowMs = config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG);
        this.graceMs = config.getLong(FloodwatchConfig.WINDOW_GRACE_CONFIG);
        this.rules = new LiveRules(RuleBook.of(config));
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

        ingestJson(builder, validator, eventTime);
        control(builder);

        KStream<String, SpecificRecord> ticks = builder
            .stream(topics.requests().name(), Consumed.with(topics.requests().keySerde(), topics.requests().valueSerde())
                .withTimestampExtractor(eventTime).withName("requests-source"))
            .processValues(() -> new ValidateRequests<String>(validator), Named.as("validate-requests"))
            .peek((key, event) -> meters.eventIn(), Named.as("count-events-in"))
            .process(TrafficTickAggregator.supplier(config, rules), Named.as("aggregate-traffic-ticks"));

        var branches = ticks.split(Named.as("ticks-"))
            .branch((key, value) -> value instanceof EndpointTick, Branched.as("endpoint"))
            .defaultBranch(Branched.as("source"));

        KStream<String, MitigationCandidate> endpointCandidates = endpointRates(
            branches.get("ticks-endpoint").mapValues(value -> (EndpointTick) value, Named.as("as-endpoint-ticks")));
        KStream<String, MitigationCandidate> sourceCandidates = sourceRates(
            branches.get("ticks-source").mapValues(value -> (SourceTick) value, Named.as("as-source-ticks")));

        mitigate(builder, endpointCandidates.merge(sourceCandidates, Named.as("merge-candidates")));
        return builder.build();
    }

    private void ingestJson(StreamsBuilder builder, RequestValidator validator, EventTimeExtractor eventTime) {
        builder.stream(topics.requestsJson().name(), topics.requestsJson().consumed().withTimestampExtractor(eventTime))
            .processValues(() -> new ValidateRequests<byte[]>(validator), Named.as("validate-json-requests"))
            .selectKey((key, event) -> event.getSourceIp(), Named.as("key-json-by-source"))
            .to(topics.requests().name(), topics.requests().produced().withName("json-to-requests"));
    }

    private void control(StreamsBuilder builder) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ControlRulesProcessor.STORE),
                Serdes.String(), Serdes.String()).withLoggingDisabled(),
            topics.control().name(), Consumed.with(Serdes.String(), Serdes.String()).withName("detector-control-source"),
            () -> new ControlRulesProcessor(rules));
    }

    private KStream<String, MitigationCandidate> endpointRates(KStream<String, EndpointTick> ticks) {
        EndpointRates rates = new EndpointRates(windowMs, config.getInt(FloodwatchConfig.REGIONS_MAX_CONFIG));
        KStream<Windowed<String>, EndpointRate> updates = ticks
            .groupByKey(Grouped.with("endpoint-ticks", Serdes.String(), AvroSerde.of(EndpointTick.class)))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(windowMs), Duration.ofMillis(graceMs)))
            .aggregate(EndpointRates::empty, rates::merge, Named.as("aggregate-endpoint-rates"),
                Materialized.<String, EndpointRate>as(windowStore(ENDPOINT_RATE_STORE))
                    .withKeySerde(Serdes.String()).withValueSerde(AvroSerde.of(EndpointRate.class)))
            .toStream(Named.as("endpoint-rate-updates"));

        updates.map((window, rate) -> KeyValue.pair(window.key(), rate), Named.as("endpoint-rates-by-route"))
            .peek((route, rate) -> meters.endpointRateOut(), Named.as("count-endpoint-rates-out"))
            .to(topics.endpointRates().name(), topics.endpointRates().produced());

        StoreBuilder<KeyValueStore<String, EndpointBaseline>> baselines = Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(EndpointAnomalyDetector.STORE), Serdes.String(), AvroSerde.of(EndpointBaseline.class));
        return updates.process(supplierWithStore(() -> new EndpointAnomalyDetector(new LiveRules.Derived<>(rules,
                book -> new EndpointRules(book.config(), BaselineModel.from(book.config())))), baselines),
            Named.as("detect-endpoint-anomalies"));
    }

    private KStream<String, MitigationCandidate> sourceRates(KStream<String, SourceTick> ticks) {
        return ticks
            .groupByKey(Grouped.with("source-ticks", Serdes.String(), AvroSerde.of(SourceTick.class)))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(windowMs), Duration.ofMillis(graceMs)))
            .aggregate(FloodwatchTopology::emptySourceRate, (key, tick, rate) -> SourceRate.newBuilder()
                    .setScope(tick.getScope()).setSource(tick.getSource()).setWindowStart(tick.getWindowStart())
                    .setWindowEnd(tick.getWindowStart() + windowMs).setRequests(rate.getRequests() + tick.getRequests())
                    .setFailures(rate.getFailures() + tick.getFailures()).build(),
                Named.as("aggregate-source-rates"),
                Materialized.<String, SourceRate>as(windowStore(SOURCE_RATE_STORE))
                    .withKeySerde(Serdes.String()).withValueSerde(AvroSerde.of(SourceRate.class)))
            .toStream(Named.as("source-rate-updates"))
            .process(() -> new SourceLimitDetector(new LiveRules.Derived<>(rules, book -> new SourceRateLimits(book.config()))),
                Named.as("detect-source-limits"));
    }

    private void mitigate(StreamsBuilder builder, KStream<String, MitigationCandidate> candidates) {
        StoreBuilder<KeyValueStore<String, MitigationState>> inForce = Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(MitigationPlanner.STORE), Serdes.String(), AvroSerde.of(MitigationState.class));

        var outputs = candidates
            .repartition(Repartitioned.<String, MitigationCandidate>as("mitigation-candidates")
                .withKeySerde(Serdes.String()).withValueSerde(AvroSerde.of(MitigationCandidate.class))
                .withStreamPartitioner(new HeartbeatPartitioner()))
            .process(supplierWithStore(() -> new MitigationPlanner(new LiveRules.Derived<>(rules,
                book -> new MitigationPolicy(MitigationPolicy.Settings.from(book.config())))), inForce), Named.as("plan-mitigations"))
            .split(Named.as("planned-"))
            .branch((key, value) -> value instanceof MitigationCommand, Branched.as("commands"))
            .defaultBranch(Branched.as("anomalies"));
        outputs.get("planned-commands").mapValues(value -> (MitigationCommand) value, Named.as("as-commands"))
            .peek((key, command) -> meters.command(command), Named.as("count-commands"))
            .to(topics.mitigations().name(), topics.mitigations().produced());
        outputs.get("planned-anomalies").mapValues(value -> (Anomaly) value, Named.as("as-anomalies"))
            .peek((key, anomaly) -> meters.anomaly(anomaly), Named.as("count-anomalies"))
            .to(topics.anomalies().name(), topics.anomalies().produced());
    }

    private WindowBytesStoreSupplier windowStore(String name) {
        return Stores.inMemoryWindowStore(name, Duration.ofMillis(windowMs + graceMs), Duration.ofMillis(windowMs), false);
    }

    private static SourceRate emptySourceRate() {
        return SourceRate.newBuilder().setScope(MitigationScope.UNKNOWN).setSource("").setWindowStart(0).setWindowEnd(0)
            .setRequests(0).build();
    }

    private static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> supplierWithStore(
        Supplier<Processor<KIn, VIn, KOut, VOut>> factory, StoreBuilder<?> store) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                return factory.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        };
    }
}

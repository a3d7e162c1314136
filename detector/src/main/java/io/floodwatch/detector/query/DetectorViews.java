package io.floodwatch.detector.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import io.floodwatch.detector.detect.BaselineModel;
import io.floodwatch.detector.detect.EndpointAnomalyDetector;
import io.floodwatch.detector.mitigate.MitigationPlanner;
import io.floodwatch.detector.topology.FloodwatchTopology;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.SourceRate;

/**
 * What this detector instance holds, read through Kafka Streams interactive queries: the windows of per-endpoint
 * rates with their baselines, the heaviest sources, and the commands in force. Each instance holds the keys of its
 * own tasks; {@link QueryServer} merges the views of all instances. Values are plain maps, ready for JSON.
 */
public final class DetectorViews {

    private final KafkaStreams streams;
    private final BaselineModel baselines;

    /**
     * @param streams the running detector
     * @param baselines how expected rates are derived from baselines
     */
    public DetectorViews(KafkaStreams streams, BaselineModel baselines) {
        this.streams = streams;
        this.baselines = baselines;
    }

    /** Per endpoint: its recent windows (oldest first), each with the rate the baseline expected. */
    public List<Map<String, Object>> endpoints() {
        ReadOnlyWindowStore<String, EndpointRate> rates = streams.store(StoreQueryParameters.fromNameAndType(
            FloodwatchTopology.ENDPOINT_RATE_STORE, QueryableStoreTypes.windowStore()));
        ReadOnlyKeyValueStore<String, EndpointBaseline> learned = streams.store(StoreQueryParameters.fromNameAndType(
            EndpointAnomalyDetector.STORE, QueryableStoreTypes.keyValueStore()));
        Map<String, List<EndpointRate>> byRoute = new TreeMap<>();
        try (KeyValueIterator<Windowed<String>, EndpointRate> all = rates.all()) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, EndpointRate> next = all.next();
                byRoute.computeIfAbsent(next.key.key(), route -> new ArrayList<>()).add(next.value);
            }
        }
        List<Map<String, Object>> endpoints = new ArrayList<>();
        byRoute.forEach((route, windows) -> {
            windows.sort(Comparator.comparingLong(EndpointRate::getWindowStart));
            EndpointBaseline baseline = learned.get(route);
            List<Map<String, Object>> recent = new ArrayList<>();
            for (EndpointRate rate : windows) {
                recent.add(window(rate, baseline));
            }
            Map<String, Object> endpoint = new LinkedHashMap<>();
            endpoint.put("route", route);
            endpoint.put("baselineWarm", baseline != null && baselines.isWarm(baseline));
            endpoint.put("windows", recent);
            endpoints.add(endpoint);
        });
        return endpoints;
    }

    private Map<String, Object> window(EndpointRate rate, EndpointBaseline baseline) {
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("windowStart", rate.getWindowStart());
        window.put("windowEnd", rate.getWindowEnd());
        window.put("requests", rate.getRequests());
        window.put("expectedRequests", baseline == null ? null : baselines.expectedRequests(baseline, rate.getWindowStart()));
        window.put("clientErrors", rate.getClientErrors());
        window.put("serverErrors", rate.getServerErrors());
        window.put("rateLimited", rate.getRateLimited());
        window.put("distinctSources", rate.getDistinctSources());
        window.put("scriptedRequests", rate.getScriptedRequests());
        window.put("newSourceRequests", rate.getNewSourceRequests());
        window.put("regions", new TreeMap<>(rate.getRegionCounts()));
        return window;
    }

    /** The heaviest sources (IPs and prefixes) of their latest window, heaviest first. */
    public List<Map<String, Object>> topSources(int limit) {
        ReadOnlyWindowStore<String, SourceRate> rates = streams.store(StoreQueryParameters.fromNameAndType(
            FloodwatchTopology.SOURCE_RATE_STORE, QueryableStoreTypes.windowStore()));
        Map<String, SourceRate> latest = new LinkedHashMap<>();
        try (KeyValueIterator<Windowed<String>, SourceRate> all = rates.all()) {
            while (all.hasNext()) {
                SourceRate rate = all.next().value;
                latest.merge(rate.getScope() + " " + rate.getSource(), rate,
                    (a, b) -> a.getWindowStart() >= b.getWindowStart() ? a : b);
            }
        }
        return latest.values().stream()
            .sorted(Comparator.comparingLong(SourceRate::getRequests).reversed())
            .limit(limit)
            .map(DetectorViews::source)
            .toList();
    }

    private static Map<String, Object> source(SourceRate rate) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("scope", rate.getScope().toString());
        source.put("source", rate.getSource());
        source.put("windowStart", rate.getWindowStart());
        source.put("requests", rate.getRequests());
        source.put("failures", rate.getFailures());
        return source;
    }

    /** The commands in force (published, not lifted), newest first. */
    public List<Map<String, Object>> mitigations() {
        ReadOnlyKeyValueStore<String, MitigationState> inForce = streams.store(StoreQueryParameters.fromNameAndType(
            MitigationPlanner.STORE, QueryableStoreTypes.keyValueStore()));
        List<Map<String, Object>> commands = new ArrayList<>();
        try (KeyValueIterator<String, MitigationState> all = inForce.all()) {
            while (all.hasNext()) {
                KeyValue<String, MitigationState> next = all.next();
                MitigationState state = next.value;
                if (state.getLifted() || !state.getPublished() || state.getCommand().getAction() == MitigationAction.LIFT) {
                    continue;
                }
                commands.add(command(next.key, state));
            }
        }
        commands.sort(Comparator.comparingLong((Map<String, Object> c) -> (Long) c.get("issuedAt")).reversed());
        return commands;
    }

    private static Map<String, Object> command(String key, MitigationState state) {
        MitigationCommand command = state.getCommand();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", key);
        view.put("commandId", command.getCommandId());
        view.put("action", command.getAction().name());
        view.put("scope", command.getScope().name());
        view.put("target", command.getTarget());
        view.put("allowedRegions", command.getAllowedRegions());
        view.put("rateLimitPerSecond", command.getRateLimitPerSecond());
        view.put("mode", command.getMode().name());
        view.put("rule", command.getRule());
        view.put("detectedAt", command.getDetectedAt());
        view.put("issuedAt", command.getIssuedAt());
        view.put("expiresAt", command.getExpiresAt());
        view.put("reason", command.getReason());
        view.put("evidence", new TreeMap<>(command.getEvidence()));
        view.put("offences", state.getOffences());
        view.put("lastSeenAt", state.getLastSeenAt());
        return view;
    }
}

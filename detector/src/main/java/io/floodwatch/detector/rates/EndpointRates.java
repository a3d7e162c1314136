package io.floodwatch.detector.rates;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.EndpointTick;

/**
 * Pure merge of per-task {@link EndpointTick}s into a windowed {@link EndpointRate}: sums counts and region
 * counts (capped at {@code maxRegions}, the rest as "other"), sums the heavy prefixes of the route (keeping the
 * {@value #PREFIXES_KEPT} heaviest: a prefix's count stays a lower bound) and unions the HyperLogLog sketches of
 * sources (a union keeps the sketch's error bound, about 3.3% relative standard error).
 */
public final class EndpointRates {

    static final int PREFIXES_KEPT = 256;

    private final long windowSizeMs;
    private final int maxRegions;

    /**
     * @param windowSizeMs window size
     * @param maxRegions regions kept per route and window
     */
    public EndpointRates(long windowSizeMs, int maxRegions) {
        this.windowSizeMs = windowSizeMs;
        this.maxRegions = maxRegions;
    }

    /** An empty aggregate. */
    public static EndpointRate empty() {
        return EndpointRate.newBuilder().setRoute("").setWindowStart(0).setWindowEnd(0).setRequests(0)
            .setClientErrors(0).setServerErrors(0).setDistinctSources(0).setRegionCounts(new HashMap<>())
            .setSourcesSketch(ByteBuffer.allocate(0)).build();
    }

    /** The aggregate with one more tick merged in. */
    public EndpointRate merge(String route, EndpointTick tick, EndpointRate aggregate) {
        Union union = new Union(EndpointTickAccumulator.HLL_LG_K);
        if (aggregate.getSourcesSketch().remaining() > 0) {
            union.update(heapify(aggregate.getSourcesSketch()));
        }
        union.update(heapify(tick.getSourcesSketch()));
        HllSketch sources = union.getResult(TgtHllType.HLL_4);
        Map<String, Long> widerPrefixes = mergePrefixes(aggregate.getWiderPrefixes(), tick.getWiderPrefixes());
        Map<String, Long> regions = new HashMap<>(aggregate.getRegionCounts());
        tick.getRegionCounts().forEach((region, count) -> {
            String key = regions.containsKey(region) || regions.size() < maxRegions ? region : EndpointTickAccumulator.OTHER_REGION;
            regions.merge(key, count, Long::sum);
        });
        return EndpointRate.newBuilder()
            .setRoute(route)
            .setWindowStart(tick.getWindowStart())
            .setWindowEnd(tick.getWindowStart() + windowSizeMs)
            .setRequests(aggregate.getRequests() + tick.getRequests())
            .setClientErrors(aggregate.getClientErrors() + tick.getClientErrors())
            .setServerErrors(aggregate.getServerErrors() + tick.getServerErrors())
            .setRateLimited(aggregate.getRateLimited() + tick.getRateLimited())
            .setScriptedRequests(aggregate.getScriptedRequests() + tick.getScriptedRequests())
            .setNewSourceRequests(aggregate.getNewSourceRequests() + tick.getNewSourceRequests())
            .setTopPrefixes(mergePrefixes(aggregate.getTopPrefixes(), tick.getTopPrefixes()))
            .setAccountRequests(aggregate.getAccountRequests() + tick.getAccountRequests())
            .setWiderPrefixes(widerPrefixes)
            .setWiderPrefixAccounts(widerAccounts(widerPrefixes, aggregate.getWiderPrefixAccounts(), tick.getWiderPrefixAccounts()))
            .setDistinctSources(Math.round(sources.getEstimate()))
            .setRegionCounts(regions)
            .setSourcesSketch(ByteBuffer.wrap(sources.toCompactByteArray()))
            .build();
    }

    private static Map<String, Long> mergePrefixes(Map<String, Long> aggregate, Map<String, Long> tick) {
        Map<String, Long> merged = new HashMap<>(aggregate);
        tick.forEach((prefix, count) -> merged.merge(prefix, count, Long::sum));
        if (merged.size() <= PREFIXES_KEPT) {
            return merged;
        }
        Map<String, Long> kept = new HashMap<>();
        merged.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(PREFIXES_KEPT)
            .forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }

    /** The account counts of the wider prefixes kept, summed over the ticks. */
    private static Map<String, Long> widerAccounts(Map<String, Long> kept, Map<String, Long> aggregate, Map<String, Long> tick) {
        Map<String, Long> merged = new HashMap<>();
        for (String prefix : kept.keySet()) {
            long count = aggregate.getOrDefault(prefix, 0L) + tick.getOrDefault(prefix, 0L);
            if (count > 0) {
                merged.put(prefix, count);
            }
        }
        return merged;
    }

    private static HllSketch heapify(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return HllSketch.heapify(copy);
    }
}

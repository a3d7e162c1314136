package io.floodwatch.detector.rates;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

import io.floodwatch.schema.EndpointTick;

/**
 * One route's traffic in one window since the last tick: counts, status classes, region mix (at most
 * {@code maxRegions} regions, the rest as {@value #OTHER_REGION}) and a HyperLogLog of its sources.
 *
 * <p>The HLL sketch ({@code lgK = 10}, HLL_4) estimates distinct sources with a relative standard error of
 * about 1.04/sqrt(1024) = 3.3%, in at most about 550 bytes whatever the number of sources. Reused across ticks.
 */
final class EndpointTickAccumulator {

    static final String OTHER_REGION = "other";
    static final String UNKNOWN_REGION = "ZZ";
    static final int HLL_LG_K = 10;

    private final int maxRegions;
    private final HllSketch sources = new HllSketch(HLL_LG_K, TgtHllType.HLL_4);
    private final Map<String, long[]> regions = new HashMap<>();
    private long requests;
    private long clientErrors;
    private long serverErrors;

    EndpointTickAccumulator(int maxRegions) {
        this.maxRegions = maxRegions;
    }

    void add(int status, String region, long sourceHash) {
        requests++;
        if (status >= 500) {
            serverErrors++;
        } else if (status >= 400) {
            clientErrors++;
        }
        long[] count = regions.get(region);
        if (count == null) {
            count = regions.computeIfAbsent(regions.size() < maxRegions ? region : OTHER_REGION, r -> new long[1]);
        }
        count[0]++;
        sources.update(sourceHash);
    }

    boolean isEmpty() {
        return requests == 0;
    }

    EndpointTick toTick(String route, long windowStart) {
        Map<String, Long> regionCounts = new HashMap<>(regions.size() * 2);
        regions.forEach((region, count) -> {
            if (count[0] > 0) {
                regionCounts.put(region, count[0]);
            }
        });
        return EndpointTick.newBuilder()
            .setRoute(route)
            .setWindowStart(windowStart)
            .setRequests(requests)
            .setClientErrors(clientErrors)
            .setServerErrors(serverErrors)
            .setRegionCounts(regionCounts)
            .setSourcesSketch(ByteBuffer.wrap(sources.toCompactByteArray()))
            .build();
    }

    void reset() {
        requests = 0;
        clientErrors = 0;
        serverErrors = 0;
        regions.clear();
        sources.reset();
    }

    /** Canonical region code of a request: upper-case two letters, or {@value #UNKNOWN_REGION}. */
    static String region(String region) {
        if (region == null || region.length() != 2) {
            return UNKNOWN_REGION;
        }
        char a = region.charAt(0);
        char b = region.charAt(1);
        if (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z') {
            return region;
        }
        return region.toUpperCase(java.util.Locale.ROOT);
    }
}

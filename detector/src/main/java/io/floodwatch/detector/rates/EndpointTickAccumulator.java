package io.floodwatch.detector.rates;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.LongsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

import io.floodwatch.schema.EndpointTick;

/**
 * One route's traffic in one window since the last tick: counts, status classes, region mix (at most
 * {@code maxRegions} regions, the rest as {@value #OTHER_REGION}), requests with scripted user agents and from new
 * sources, a HyperLogLog of its sources and a frequent-items sketch of its source prefixes.
 *
 * <p>The HLL sketch ({@code lgK = 10}, HLL_4) estimates distinct sources with a relative standard error of
 * about 1.04/sqrt(1024) = 3.3%, in at most about 550 bytes whatever the number of sources. The prefix sketch
 * (DataSketches' Misra-Gries, {@value #PREFIX_SKETCH_SIZE} counters, at most about 10 KB) is exact while a tick holds
 * fewer than {@value #PREFIX_SKETCH_SIZE} * 3/4 distinct prefixes, and otherwise under-counts each prefix by at most
 * {@code 3.5 N / }{@value #PREFIX_SKETCH_SIZE} for N requests in the tick; the {@value #PREFIX_TOP} heaviest
 * prefixes of the tick are reported, so a prefix's window count is a lower bound, exact for any prefix among the
 * heaviest of every tick. A second sketch of the same size counts the wider prefixes of the hierarchy (every level
 * above the prefix length, one key space), with a third counting their requests that carried an account, so that a
 * command on a wider prefix knows how many of the route's known users it would refuse. Reused across ticks.
 */
final class EndpointTickAccumulator {

    static final String OTHER_REGION = "other";
    static final String UNKNOWN_REGION = "ZZ";
    static final int HLL_LG_K = 10;
    static final int PREFIX_SKETCH_SIZE = 512;
    static final int PREFIX_TOP = 128;
    
    private final int maxRegions;
    private final HllSketch sources = new HllSketch(HLL_LG_K, TgtHllType.HLL_4);
    private final Map<String, long[]> regions = new HashMap<>();
    private final LongsSketch prefixes = new LongsSketch(PREFIX_SKETCH_SIZE);
    private final LongsSketch wider = new LongsSketch(PREFIX_SKETCH_SIZE);
    private final LongsSketch widerAccounts = new LongsSketch(PREFIX_SKETCH_SIZE);
    private long accounts;
    private long requests;
    private long clientErrors;
    private long serverErrors;
    private long rateLimited;
    private long scripted;
    private long newSources;

    EndpointTickAccumulator(int maxRegions) {
        this.maxRegions = maxRegions;
    }

    /**
     * Adds one request.
     *
     * @param prefix the source prefix as encoded by {@link SourcePrefixes#ipv4} or {@link SourcePrefixes#ipv6}
     * @param widerPrefixes the keys of its wider prefixes ({@link SourcePrefixes#widerIpv4}), the first
     *                      {@code widerCount} of them
     * @param account whether the request carried an account
     */
    void add(int status, String region, long sourceHash, long prefix, long[] widerPrefixes, int widerCount,
             boolean scriptedAgent, boolean newSource, boolean account) {
        requests++;
        for (int i = 0; i < widerCount; i++) {
            wider.update(widerPrefixes[i]);
            if (account) {
                widerAccounts.update(widerPrefixes[i]);
            }
        }
        if (account) {
            accounts++;
        }
        if (scriptedAgent) {
            scripted++;
        }
        if (newSource) {
            newSources++;
        }
        prefixes.update(prefix);
        if (status >= 500) {
            serverErrors++;
        } else if (status >= 400) {
            clientErrors++;
            if (status == 429) {
                rateLimited++;
            }
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

    /**
     * The tick's summary.
     *
     * @param sharedShares per prefix, the share of its requests from shared addresses (NATs, proxies), left out of
     *                     its count in the heavy prefixes
     */
    EndpointTick toTick(String route, long windowStart, SourcePrefixes prefixCodec, Map<Long, Double> sharedShares) {
        LongsSketch.Row[] widerKeys = heaviest(wider);
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
            .setRateLimited(rateLimited)
            .setScriptedRequests(scripted)
            .setNewSourceRequests(newSources)
            .setTopPrefixes(topPrefixes(prefixCodec, sharedShares))
            .setAccountRequests(accounts)
            .setWiderPrefixes(widerPrefixes(widerKeys))
            .setWiderPrefixAccounts(widerAccounts(widerKeys))
            .build();
    }

    private static LongsSketch.Row[] heaviest(LongsSketch sketch) {
        LongsSketch.Row[] rows = sketch.getFrequentItems(0, ErrorType.NO_FALSE_POSITIVES);
        java.util.Arrays.sort(rows, java.util.Comparator.comparingLong(r -> -r.getLowerBound()));
        return rows;
    }

    private static Map<String, Long> widerPrefixes(LongsSketch.Row[] rows) {
        Map<String, Long> top = new HashMap<>();
        for (int i = 0; i < rows.length && top.size() < PREFIX_TOP; i++) {
            if (rows[i].getLowerBound() > 0) {
                top.put(SourcePrefixes.widerCidr(rows[i].getItem()), rows[i].getLowerBound());
            }
        }
        return top;
    }

    private Map<String, Long> widerAccounts(LongsSketch.Row[] rows) {
        Map<String, Long> top = new HashMap<>();
        for (int i = 0; i < rows.length && top.size() < PREFIX_TOP; i++) {
            long count = widerAccounts.getEstimate(rows[i].getItem());
            if (rows[i].getLowerBound() > 0 && count > 0) {
                top.put(SourcePrefixes.widerCidr(rows[i].getItem()), count);
            }
        }
        return top;
    }

    private Map<String, Long> topPrefixes(SourcePrefixes prefixCodec, Map<Long, Double> sharedShares) {
        LongsSketch.Row[] rows = heaviest(prefixes);
        Map<String, Long> top = new HashMap<>();
        for (int i = 0; i < rows.length && top.size() < PREFIX_TOP; i++) {
            long count = Math.round(rows[i].getLowerBound() * (1 - sharedShares.getOrDefault(rows[i].getItem(), 0.0)));
            if (count > 0) {
                top.put(prefixCodec.cidr(rows[i].getItem()), count);
            }
        }
        return top;
    }

    void reset() {
        requests = 0;
        clientErrors = 0;
        serverErrors = 0;
        rateLimited = 0;
        scripted = 0;
        newSources = 0;
        accounts = 0;
        regions.clear();
        wider.reset();
        widerAccounts.reset();
        sources.reset();
        prefixes.reset();
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

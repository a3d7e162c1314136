package io.floodwatch.detector.rates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.floodwatch.detector.ingest.IpAddress;
import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.SourceTick;

/**
 * A task's traffic since its last commit, pre-aggregated per window: per route an
 * {@link EndpointTickAccumulator}, per window a {@link SourceHeavyHitters}. Memory is bounded by the route cap,
 * the region cap and the sketch sizes, not by traffic.
 *
 * <p>A source is reported for a tick only if it sent at least the floor rate (half of its smallest limit) over the
 * event time the tick covers: a million sources each sending a request now and then produce no source summaries
 * at all, while any source near or over a limit is reported in every tick. Pure Java, no Kafka: {@link TrafficTickAggregator}
 * feeds it and drains it into summaries at every commit.
 */
public final class TrafficTick {

    /** Summaries drained at a tick. */
    public record Summaries(List<EndpointTick> endpoints, List<SourceTick> sources, long maxTimestamp) {
    }

    private final long windowSizeMs;
    private final int maxRegions;
    private final int sketchSize;
    private final int topSources;
    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;
    private final double ipFloorPerSecond;
    private final double prefixFloorPerSecond;
    private final Map<Long, Window> windows = new HashMap<>();
    private Window last;
    private long maxTimestamp = Long.MIN_VALUE;

    /**
     * @param windowSizeMs window size
     * @param maxRegions regions kept per route and window
     * @param sketchSize counters per heavy-hitter sketch
     * @param topSources sources of each kind reported per window and tick
     * @param ipv4PrefixLength IPv4 prefix length
     * @param ipv6PrefixLength IPv6 prefix length (at most 64)
     * @param ipFloorPerSecond an IP sending less than this rate over the event time a tick covers is not reported
     * @param prefixFloorPerSecond the same for prefixes
     */
    public TrafficTick(long windowSizeMs, int maxRegions, int sketchSize, int topSources, int ipv4PrefixLength,
                       int ipv6PrefixLength, double ipFloorPerSecond, double prefixFloorPerSecond) {
        this.ipFloorPerSecond = ipFloorPerSecond;
        this.prefixFloorPerSecond = prefixFloorPerSecond;
        this.windowSizeMs = windowSizeMs;
        this.maxRegions = maxRegions;
        this.sketchSize = sketchSize;
        this.topSources = topSources;
        this.ipv4PrefixLength = ipv4PrefixLength;
        this.ipv6PrefixLength = ipv6PrefixLength;
    }

    /** Start of the window containing an event time. */
    public long windowStart(long timestamp) {
        return timestamp - Math.floorMod(timestamp, windowSizeMs);
    }

    /** Adds one validated event with its route and event time. */
    public void add(RequestEvent event, Route route, long timestamp) {
        long start = windowStart(timestamp);
        Window window = last != null && last.start == start ? last : window(start);
        last = window;
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        window.firstTimestamp = Math.min(window.firstTimestamp, timestamp);
        window.lastTimestamp = Math.max(window.lastTimestamp, timestamp);
        String ip = event.getSourceIp();
        long ipv4 = IpAddress.parseIpv4(ip);
        byte[] ipv6 = null;
        if (ipv4 == IpAddress.NOT_IPV4) {
            ipv6 = IpAddress.parseIpv6(ip);
            if (ipv6 == null) {
                throw new IllegalArgumentException("unvalidated source address");
            }
            ipv4 = IpAddress.mappedIpv4(ipv6);
        }
        long sourceHash;
        if (ipv4 != IpAddress.NOT_IPV4) {
            window.sources.addIpv4(ipv4);
            sourceHash = ipv4;
        } else {
            String canonical = IpAddress.ipv6Text(ipv6);
            long high = IpAddress.ipv6High(ipv6);
            window.sources.addIpv6(canonical, high);
            sourceHash = high * 31 + canonical.hashCode();
        }
        EndpointTickAccumulator endpoint = window.endpoints.get(route.name());
        if (endpoint == null) {
            endpoint = new EndpointTickAccumulator(maxRegions);
            window.endpoints.put(route.name(), endpoint);
        }
        endpoint.add(event.getStatus(), EndpointTickAccumulator.region(event.getRegion()), sourceHash);
        window.active = true;
    }

    /** Whether anything was added since the last drain. */
    public boolean isEmpty() {
        for (Window window : windows.values()) {
            if (window.active) {
                return false;
            }
        }
        return true;
    }

    /**
     * Drains everything added since the last drain into summaries, oldest window first (downstream windowed
     * aggregates treat a tick older than their stream time minus the grace period as late), and forgets windows
     * older than {@code oldestWindowKept}.
     */
    public Summaries drain(long oldestWindowKept) {
        List<EndpointTick> endpoints = new ArrayList<>();
        List<SourceTick> sources = new ArrayList<>();
        List<Window> ordered = new ArrayList<>(windows.values());
        ordered.sort(java.util.Comparator.comparingLong(w -> w.start));
        for (Window window : ordered) {
            if (window.active) {
                window.endpoints.forEach((route, accumulator) -> {
                    if (!accumulator.isEmpty()) {
                        endpoints.add(accumulator.toTick(route, window.start));
                        accumulator.reset();
                    }
                });
                double seconds = (window.lastTimestamp - window.firstTimestamp + 1) / 1000.0;
                window.sources.drainTo(window.start, sources, floor(ipFloorPerSecond, seconds), floor(prefixFloorPerSecond, seconds));
                window.firstTimestamp = Long.MAX_VALUE;
                window.lastTimestamp = Long.MIN_VALUE;
                window.active = false;
            }
            if (window.start < oldestWindowKept) {
                windows.remove(window.start);
                if (window == last) {
                    last = null;
                }
            }
        }
        Summaries summaries = new Summaries(endpoints, sources, maxTimestamp);
        maxTimestamp = Long.MIN_VALUE;
        return summaries;
    }

    /** Drops everything: used when the task is closed dirty and its input will be reprocessed. */
    public void clear() {
        windows.clear();
        last = null;
        maxTimestamp = Long.MIN_VALUE;
    }

    private static long floor(double perSecond, double seconds) {
        return Math.max(1, (long) (perSecond * seconds));
    }

    private Window window(long start) {
        Window window = windows.get(start);
        if (window == null) {
            window = new Window(start, new SourceHeavyHitters(sketchSize, topSources, ipv4PrefixLength, ipv6PrefixLength));
            windows.put(start, window);
        }
        return window;
    }

    /**
     * The IPv4 address of an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, as dual-stack gateways write IPv4
     * clients), or {@link IpAddress#NOT_IPV4}: counted as IPv4, a client is one source whichever way it is written,
     * and mapped clients do not all share the IPv6 prefix {@code 0::/64}.
     */
    private static final class Window {
        final long start;
        final Map<String, EndpointTickAccumulator> endpoints = new HashMap<>();
        final SourceHeavyHitters sources;
        boolean active;
        long firstTimestamp = Long.MAX_VALUE;
        long lastTimestamp = Long.MIN_VALUE;

        Window(long start, SourceHeavyHitters sources) {
            this.start = start;
            this.sources = sources;
        }
    }
}

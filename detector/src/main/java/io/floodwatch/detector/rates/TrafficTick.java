package io.floodwatch.detector.rates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.target.IpAddress;
import io.floodwatch.schema.target.UserAgents;

/**
 * A task's traffic since its last commit, pre-aggregated per window: per route an
 * {@link EndpointTickAccumulator}, per window a {@link SourceHeavyHitters}, and for the task a
 * {@link SourceMemory} of the sources seen in the last days. Memory is bounded by the route cap, the region cap and
 * the sketch and filter sizes, not by traffic.
 *
 * <p>A source is reported for a tick only if it sent at least the floor rate (half of its smallest limit) over the
 * event time the tick covers: a million sources each sending a request now and then produce no source summaries
 * at all, while any source near or over a limit is reported in every tick. Pure Java, no Kafka: {@link TrafficTickAggregator}
 * feeds it and drains it into summaries at every commit.
 */
public final class TrafficTick {

    /**
     * Summaries drained at a tick.
     *
     * @param endpoints per route and window
     * @param sources per heavy IP or prefix and window
     * @param verdicts the verdicts taken since the last drain ({@link #closeWindowsUpTo})
     * @param maxTimestamp the latest event time drained
     */
    public record Summaries(List<EndpointTick> endpoints, List<SourceTick> sources, List<Verdict> verdicts,
                            long maxTimestamp) {
    }

    /**
     * One source's verdict over the last window's length of event time.
     *
     * @param at the event time it was taken at, which it is stamped with: its point plus the settling time
     * @param source the source's requests without an account over the span, with the span's population
     */
    public record Verdict(long at, SourceTick source) {
    }

    /**
     * Sizes and floors.
     *
     * @param windowSizeMs window size
     * @param maxRegions regions kept per route and window
     * @param sketchSize counters per heavy-hitter sketch
     * @param topSources sources of each kind reported per window and tick
     * @param ipv4PrefixLength IPv4 prefix length
     * @param ipv6PrefixLength IPv6 prefix length (at most 64)
     * @param ipFloorPerSecond an IP sending less than this rate over the event time a tick covers is not reported
     *                         for its volume
     * @param prefixFloorPerSecond the same for prefixes
     * @param failureFloorPerSecond an IP or prefix failing less than this rate is not reported for its failures
     * @param anonymousFloorPerSecond an IP sending requests without an account at less than this rate over a whole
     *                                window is not reported for them
     * @param populationQuantile the quantile of per-source counts reported with each IP
     * @param populationLgEntries log2 of the sources sampled per window for that quantile
     * @param profiledMax most heavy IPs whose identities are profiled per window
     * @param sharedMinIdentities identities from which an IP is shared (its prefix is judged without it)
     * @param settleMs how far past a verdict's point the partition's event time goes before the verdict is taken
     *                 (room for events slightly out of order)
     * @param verdictStepMs how often, in event time, a verdict is taken over the last window's length of traffic
     *                      (divides the window size)
     * @param windowSketchSize counters of the sketches kept over a whole window (exact up to three quarters of this
     *                         many distinct IPs, so that the verdict does not depend on the order of the events)
     * @param ipv4WiderLengths the wider IPv4 levels of the prefix hierarchy the route summaries count
     * @param ipv6WiderLengths the same for IPv6
     */
    public record Settings(long windowSizeMs, int maxRegions, int sketchSize, int topSources, int ipv4PrefixLength,
                           int ipv6PrefixLength, double ipFloorPerSecond, double prefixFloorPerSecond,
                           double failureFloorPerSecond, double anonymousFloorPerSecond, double populationQuantile,
                           int populationLgEntries, int profiledMax, int sharedMinIdentities, long settleMs,
                           long verdictStepMs, int windowSketchSize, List<Integer> ipv4WiderLengths,
                           List<Integer> ipv6WiderLengths) {
    }

    /** Fewest requests without an account in a window for an IP to be reported for them, whatever the rate. */
    private static final long MIN_ANONYMOUS_FLOOR = 3;

    private final Settings settings;
    private Settings floors;
    private final long windowSizeMs;
    private final SourcePrefixes prefixCodec;
    private final SourceMemory memory;
    private final Map<Long, Window> windows = new HashMap<>();
    private Window last;
    private long maxTimestamp = Long.MIN_VALUE;
    private final List<Verdict> verdicts = new ArrayList<>();
    private final long stepMs;
    private final int steps;
    private long nextVerdictAt = Long.MAX_VALUE;
    /** The wider prefixes of the event being added, reused from event to event. */
    private final long[] wider;

    /**
     * @param settings sizes and floors
     * @param memory the task's memory of sources seen, which tells new sources from returning ones
     */
    public TrafficTick(Settings settings, SourceMemory memory) {
        this.settings = settings;
        this.floors = settings;
        this.windowSizeMs = settings.windowSizeMs();
        this.stepMs = settings.verdictStepMs();
        this.steps = (int) (windowSizeMs / stepMs);
        this.prefixCodec = new SourcePrefixes(settings.ipv4PrefixLength(), settings.ipv6PrefixLength(),
            settings.ipv4WiderLengths(), settings.ipv6WiderLengths());
        this.wider = new long[prefixCodec.widerLevels()];
        this.memory = memory;
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
        int status = event.getStatus();
        // 429 is what enforcement itself answers: counting it would turn a throttled crowd into attackers
        boolean failed = status >= 400 && status < 500 && status != 429;
        boolean scripted = UserAgents.isScripted(event.getUserAgent());
        String account = event.getAccountId();
        boolean succeeded = status < 400;
        String identifiedAccount = succeeded ? account : null;
        String humanAgent = succeeded && !scripted ? event.getUserAgent() : null;
        long sourceHash;
        long prefix;
        int widerCount;
        if (ipv4 != IpAddress.NOT_IPV4) {
            prefix = prefixCodec.ipv4(ipv4);
            widerCount = prefixCodec.widerIpv4(ipv4, wider);
            sourceHash = ipv4;
            window.sources.addIpv4(ipv4, sourceHash, prefix, failed, account == null, identifiedAccount, humanAgent,
                timestamp - start);
        } else {
            String canonical = IpAddress.ipv6Text(ipv6);
            long high = IpAddress.ipv6High(ipv6);
            prefix = prefixCodec.ipv6(high);
            widerCount = prefixCodec.widerIpv6(high, wider);
            sourceHash = high * 31 + canonical.hashCode();
            window.sources.addIpv6(canonical, sourceHash, prefix, failed, account == null, identifiedAccount, humanAgent,
                timestamp - start);
        }
        boolean returning = memory.observe(sourceHash, timestamp);
        EndpointTickAccumulator endpoint = window.endpoints.get(route.name());
        if (endpoint == null) {
            endpoint = new EndpointTickAccumulator(settings.maxRegions());
            window.endpoints.put(route.name(), endpoint);
        }
        endpoint.add(status, EndpointTickAccumulator.region(event.getRegion()), sourceHash, prefix, wider, widerCount, scripted,
            !returning, account != null);
        window.active = true;
    }

    /** Uses the floors of these settings from the next drain on (the limits changed at run time); sizes stay. */
    public void useFloors(Settings settings) {
        this.floors = settings;
    }

    /**
     * Takes every verdict whose point is {@code settleMs} or more behind {@code watermark}, the task's progress over
     * all its inputs (its own partition and every task that feeds it): by then every event before the point that was
     * on time in its own input has been added, whatever the pace and however the inputs interleaved. A verdict's
     * points are every step of a window's event time, each over the window's length of traffic before it; each is
     * taken once, in order, and drained with the next tick.
     *
     * @return whether a verdict waits to be drained
     */
    public boolean closeWindowsUpTo(long watermark) {
        if (watermark < nextVerdictAt) {
            return !verdicts.isEmpty();
        }
        long next = Long.MAX_VALUE;
        List<Window> ordered = new ArrayList<>(windows.values());
        ordered.sort(java.util.Comparator.comparingLong(w -> w.start));
        for (Window window : ordered) {
            while (window.judgedSteps < steps && pointAt(window, window.judgedSteps + 1) + settings.settleMs() <= watermark) {
                judge(window, window.judgedSteps + 1);
            }
            if (window.judgedSteps < steps) {
                next = Math.min(next, pointAt(window, window.judgedSteps + 1) + settings.settleMs());
            }
        }
        nextVerdictAt = next;
        return !verdicts.isEmpty();
    }

    private long pointAt(Window window, int step) {
        return window.start + step * stepMs;
    }

    private void judge(Window window, int step) {
        List<SourceTick> judged = new ArrayList<>();
        Window previous = step < steps ? windows.get(window.start - windowSizeMs) : null;
        window.sources.verdictTo(window.start, step, previous == null ? null : previous.sources, judged, anonymousFloor(),
            floors.populationQuantile());
        long at = pointAt(window, step) + settings.settleMs();
        for (SourceTick source : judged) {
            verdicts.add(new Verdict(at, source));
        }
        window.judgedSteps = step;
    }

    private long anonymousFloor() {
        return Math.max(MIN_ANONYMOUS_FLOOR, floor(floors.anonymousFloorPerSecond(), windowSizeMs / 1000.0));
    }

    /** Whether anything was added since the last drain. */
    public boolean isEmpty() {
        if (!verdicts.isEmpty()) {
            return false;
        }
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
                Map<Long, Double> shared = window.sources.sharedShares(floors.sharedMinIdentities());
                window.endpoints.forEach((route, accumulator) -> {
                    if (!accumulator.isEmpty()) {
                        endpoints.add(accumulator.toTick(route, window.start, prefixCodec, shared));
                        accumulator.reset();
                    }
                });
                double seconds = (window.lastTimestamp - window.firstTimestamp + 1) / 1000.0;
                window.sources.drainTo(window.start, sources, new SourceHeavyHitters.Floors(
                    floor(floors.ipFloorPerSecond(), seconds), floor(floors.prefixFloorPerSecond(), seconds),
                    floor(floors.failureFloorPerSecond(), seconds), floors.sharedMinIdentities()));
                window.firstTimestamp = Long.MAX_VALUE;
                window.lastTimestamp = Long.MIN_VALUE;
                window.active = false;
            }
            if (window.start < oldestWindowKept) {
                while (window.judgedSteps < steps) {
                    judge(window, window.judgedSteps + 1);
                }
                windows.remove(window.start);
                if (window == last) {
                    last = null;
                }
            }
        }
        Summaries summaries = new Summaries(endpoints, sources, List.copyOf(verdicts), maxTimestamp);
        verdicts.clear();
        maxTimestamp = Long.MIN_VALUE;
        return summaries;
    }

    /** Drops everything: used when the task is closed dirty and its input will be reprocessed. */
    public void clear() {
        windows.clear();
        verdicts.clear();
        nextVerdictAt = Long.MAX_VALUE;
        last = null;
        maxTimestamp = Long.MIN_VALUE;
    }

    private static long floor(double perSecond, double seconds) {
        return Math.max(1, (long) (perSecond * seconds));
    }

    private Window window(long start) {
        Window window = windows.get(start);
        if (window == null) {
            window = new Window(start, new SourceHeavyHitters(settings.sketchSize(), settings.windowSketchSize(),
                settings.topSources(), prefixCodec, settings.populationLgEntries(), settings.profiledMax(), stepMs, steps));
            windows.put(start, window);
            nextVerdictAt = Math.min(nextVerdictAt, start + stepMs + settings.settleMs());
        }
        return window;
    }

    /** One window's accumulators; reused from tick to tick until the window is forgotten. */
    private static final class Window {
        final long start;
        final Map<String, EndpointTickAccumulator> endpoints = new HashMap<>();
        final SourceHeavyHitters sources;
        boolean active;
        int judgedSteps;
        long firstTimestamp = Long.MAX_VALUE;
        long lastTimestamp = Long.MIN_VALUE;

        Window(long start, SourceHeavyHitters sources) {
            this.start = start;
            this.sources = sources;
        }
    }
}

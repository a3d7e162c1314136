package io.floodwatch.detector.rates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.frequencies.LongsSketch;

import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.target.IpAddress;

/**
 * The heaviest sources of one window since the last tick, by requests and by failures (4xx answers), and per step
 * of the window (a slice of its event time) by requests without an account: source IPs and source prefixes, each in
 * frequent-items sketches (DataSketches' Misra-Gries variant) of {@code sketchSize} counters, so memory is fixed
 * however many distinct sources there are. Beside them, per slice, a {@link SourcePopulation} sample of what every
 * source sends, and for the window the {@link SourceIdentities} behind the heavy IPs, so that the limits downstream
 * can be relative to the population and scale with the people behind a shared address.
 *
 * <p>What the slices count is reported at every step ({@link #verdictTo}), over the last window's length of event
 * time (the slices of this window so far and the rest of the one before): the IPs heaviest by requests without an
 * account, with their counts over that span, the people behind them and the population's quantile. Being taken at
 * points of the partition's own event time, from slices cut by event time, not at ticks, those verdicts are the same
 * whatever the pace of the input and wherever its ticks were cut.
 *
 * <p>Error bound: with N requests (or N failures) in the tick, each reported count is a lower bound, at most
 * {@code 3.5 N / sketchSize} below the true count (the sketch's {@code getMaximumError()}); a source is reported
 * whenever it is among the {@code top} heaviest by requests, failures or anonymous requests and passes the floor.
 * Reporting lower bounds means a legitimate source is never charged with more requests than it sent.
 */
final class SourceHeavyHitters {

    /**
     * An IP's identities are profiled once it has sent this rate over the window so far (and at least
     * {@value #PROFILE_AFTER_MIN} requests): so whatever the length of the ticks, the same IPs are profiled.
     */
    static final double PROFILE_RATE = 2.0;
    private static final long PROFILE_AFTER_MIN = 2;

    /**
     * Floors of one drain.
     *
     * @param ip fewest requests (lower bound) for an IP to be reported for its volume
     * @param prefix fewest requests for a prefix to be reported for its volume
     * @param failure fewest failures for an IP or prefix to be reported for its failures
     * @param sharedMinIdentities identities from which an IP is shared, and its requests are taken off its prefix's
     */
    record Floors(long ip, long prefix, long failure, long sharedMinIdentities) {
    }

    private final int top;
    private final SourcePrefixes prefixCodec;
    private final LongsSketch ipv4;
    private final ItemsSketch<String> ipv6;
    private final LongsSketch prefixes;
    private final LongsSketch failingIpv4;
    private final ItemsSketch<String> failingIpv6;
    private final LongsSketch failingPrefixes;
    private final LongsSketch windowIpv4;
    private final ItemsSketch<String> windowIpv6;
    private final Slice[] slices;
    private final long stepMs;
    private final int sliceSketchSize;
    private final int populationLgEntries;
    private final SourceIdentities identities;

    /**
     * @param stepMs event time each slice of the window covers (the step of the verdicts)
     * @param slices slices in the window
     */
    SourceHeavyHitters(int sketchSize, int windowSketchSize, int top, SourcePrefixes prefixCodec, int populationLgEntries,
                       int profiledMax, long stepMs, int slices) {
        this.top = top;
        this.prefixCodec = prefixCodec;
        this.ipv4 = new LongsSketch(sketchSize);
        this.ipv6 = new ItemsSketch<>(sketchSize);
        this.prefixes = new LongsSketch(sketchSize);
        this.failingIpv4 = new LongsSketch(sketchSize);
        this.failingIpv6 = new ItemsSketch<>(sketchSize);
        this.failingPrefixes = new LongsSketch(sketchSize);
        this.windowIpv4 = new LongsSketch(windowSketchSize);
        this.windowIpv6 = new ItemsSketch<>(windowSketchSize);
        this.slices = new Slice[slices];
        this.stepMs = stepMs;
        // the slices of a window share its sketch size, so memory stays what one window-long sketch would take
        this.sliceSketchSize = Math.max(64, Integer.highestOneBit(windowSketchSize / slices));
        this.populationLgEntries = populationLgEntries;
        this.identities = new SourceIdentities(profiledMax);
    }

    /**
     * Counts one request of an IPv4 source.
     *
     * @param sourceHash the source's 64-bit hash, for the population sample
     * @param anonymous whether the request carried no account
     * @param account the account of a successful request, else null
     * @param humanAgent the human (browser or app) agent of a successful request, else null
     * @param windowMs event time from the window's start to the request
     */
    void addIpv4(long address, long sourceHash, long prefix, boolean failed, boolean anonymous, String account,
                 String humanAgent, long windowMs) {
        ipv4.update(address);
        windowIpv4.update(address);
        prefixes.update(prefix);
        Slice slice = slice(windowMs);
        slice.population.add(sourceHash);
        if (failed) {
            failingIpv4.update(address);
            failingPrefixes.update(prefix);
        }
        if (anonymous) {
            slice.anonymousIpv4.update(address);
        }
        if ((account != null || humanAgent != null) && windowIpv4.getEstimate(address) >= profileAfter(windowMs)) {
            identities.addIpv4(address, account, humanAgent);
        }
    }

    /** The same for an IPv6 source, by its canonical text. */
    void addIpv6(String canonicalText, long sourceHash, long prefix, boolean failed, boolean anonymous, String account,
                 String humanAgent, long windowMs) {
        ipv6.update(canonicalText);
        windowIpv6.update(canonicalText);
        prefixes.update(prefix);
        Slice slice = slice(windowMs);
        slice.population.add(sourceHash);
        if (failed) {
            failingIpv6.update(canonicalText);
            failingPrefixes.update(prefix);
        }
        if (anonymous) {
            slice.anonymousIpv6.update(canonicalText);
        }
        if ((account != null || humanAgent != null) && windowIpv6.getEstimate(canonicalText) >= profileAfter(windowMs)) {
            identities.addIpv6(canonicalText, account, humanAgent);
        }
    }

    /**
     * Appends the heavy sources of this tick to {@code out} and resets the tick's sketches (not the window's): each
     * with its requests and failures of the tick, and the identities counted behind it so far in the window.
     */
    void drainTo(long windowStart, List<SourceTick> out, Floors floors) {
        Set<Long> heavyIpv4 = heavy(floors.ip(), floors.failure(), ipv4, failingIpv4);
        Set<String> heavyIpv6 = heavy(floors.ip(), floors.failure(), ipv6, failingIpv6);
        for (long address : heavyIpv4) {
            out.add(ipTick(IpAddress.ipv4Text(address), windowStart, ipv4.getLowerBound(address),
                failingIpv4.getLowerBound(address), 0, identities.ofIpv4(address), 0, 0));
        }
        for (String address : heavyIpv6) {
            out.add(ipTick(address, windowStart, ipv6.getLowerBound(address), failingIpv6.getLowerBound(address), 0,
                identities.ofIpv6(address), 0, 0));
        }
        Set<Long> heavyPrefixes = heavy(floors.prefix(), floors.failure(), prefixes, failingPrefixes);
        Map<Long, Long> shared = heavyPrefixes.isEmpty() ? Map.of() : sharedRequests(floors.sharedMinIdentities());
        for (long prefix : heavyPrefixes) {
            long requests = prefixes.getLowerBound(prefix);
            long failures = failingPrefixes.getLowerBound(prefix);
            out.add(SourceTick.newBuilder().setScope(MitigationScope.SOURCE_PREFIX).setSource(prefixCodec.cidr(prefix))
                .setWindowStart(windowStart).setRequests(Math.max(requests, failures)).setFailures(failures)
                .setSharedRequests(Math.min(requests, shared.getOrDefault(prefix, 0L))).build());
        }
        ipv4.reset();
        ipv6.reset();
        prefixes.reset();
        failingIpv4.reset();
        failingIpv6.reset();
        failingPrefixes.reset();
    }

    /**
     * Appends the verdict on a span of event time ending in this window to {@code out}: the span is this window's
     * first {@code slicesHere} slices and, if {@code previous} (the window before) is given, that window's slices from
     * {@code slicesHere} on, so that every verdict covers a window's length of traffic whenever it is taken. Reported
     * are the {@code top} IPs heaviest by requests without an account over the span, from {@code floor} on, each with
     * that count (a lower bound, exact while the span has fewer distinct IPs than three quarters of the sketch size),
     * the identities behind it, and the span population's {@code quantile} and size. These summaries count no
     * requests of their own (the ticks did), so they only add what the span as a whole says.
     */
    void verdictTo(long windowStart, int slicesHere, SourceHeavyHitters previous, List<SourceTick> out, long floor,
                   double quantile) {
        List<Slice> span = new ArrayList<>(slices.length);
        if (previous != null) {
            previous.addSlices(slicesHere, previous.slices.length, span);
        }
        addSlices(0, slicesHere, span);
        if (span.isEmpty()) {
            return;
        }
        // an IP with floor requests over the span has floor / |span| in one of its slices at least: only those are
        // summed, so a verdict costs a pass over each slice's counters, not a merge of them
        long perSlice = Math.max(1, (floor + span.size() - 1) / span.size());
        Map<Long, Long> totals4 = new HashMap<>();
        Map<String, Long> totals6 = new HashMap<>();
        for (Slice slice : span) {
            for (LongsSketch.Row row : slice.anonymousIpv4.getFrequentItems(perSlice, ErrorType.NO_FALSE_NEGATIVES)) {
                totals4.putIfAbsent(row.getItem(), 0L);
            }
            for (ItemsSketch.Row<String> row : slice.anonymousIpv6.getFrequentItems(perSlice, ErrorType.NO_FALSE_NEGATIVES)) {
                totals6.putIfAbsent(row.getItem(), 0L);
            }
        }
        totals4.replaceAll((address, zero) -> span.stream().mapToLong(slice -> slice.anonymousIpv4.getLowerBound(address)).sum());
        totals6.replaceAll((address, zero) -> span.stream().mapToLong(slice -> slice.anonymousIpv6.getLowerBound(address)).sum());
        totals4.values().removeIf(total -> total < floor);
        totals6.values().removeIf(total -> total < floor);
        if (totals4.isEmpty() && totals6.isEmpty()) {
            return;
        }
        SourcePopulation.Counts counts = SourcePopulation.union(span.stream().map(Slice::population).toList());
        double typical = counts.quantile(quantile);
        long sources = counts.sources();
        totals4.entrySet().stream().sorted(Map.Entry.<Long, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey())).limit(top).forEach(heavy -> {
            long address = heavy.getKey();
            long behind = Math.max(identities.ofIpv4(address), previous == null ? 0 : previous.identities.ofIpv4(address));
            out.add(ipTick(IpAddress.ipv4Text(address), windowStart, 0, 0, heavy.getValue(), behind, typical, sources));
        });
        totals6.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey())).limit(top).forEach(heavy -> {
            String address = heavy.getKey();
            long behind = Math.max(identities.ofIpv6(address), previous == null ? 0 : previous.identities.ofIpv6(address));
            out.add(ipTick(address, windowStart, 0, 0, heavy.getValue(), behind, typical, sources));
        });
    }

    private void addSlices(int from, int to, List<Slice> span) {
        for (int i = from; i < to; i++) {
            if (slices[i] != null) {
                span.add(slices[i]);
            }
        }
    }

    private Slice slice(long windowMs) {
        int index = (int) Math.min(slices.length - 1, Math.max(0, windowMs / stepMs));
        Slice slice = slices[index];
        if (slice == null) {
            slice = new Slice(new LongsSketch(sliceSketchSize), new ItemsSketch<>(sliceSketchSize),
                new SourcePopulation(populationLgEntries));
            slices[index] = slice;
        }
        return slice;
    }

    /** What one step of the window counts for the verdicts: requests without an account per IP, and the population. */
    private record Slice(LongsSketch anonymousIpv4, ItemsSketch<String> anonymousIpv6, SourcePopulation population) {
    }

    private static long profileAfter(long windowMs) {
        return Math.max(PROFILE_AFTER_MIN, (long) (PROFILE_RATE * windowMs / 1000));
    }

    /**
     * Per prefix with shared IPs, the share of its requests of this tick that came from them: the route summaries
     * count a prefix's requests without them, so that a carrier's NAT pool does not look like a concentrated attack.
     * Call before {@link #drainTo}, which resets the tick.
     */
    Map<Long, Double> sharedShares(long minIdentities) {
        Map<Long, Long> shared = sharedRequests(minIdentities);
        if (shared.isEmpty()) {
            return Map.of();
        }
        Map<Long, Double> shares = new HashMap<>();
        shared.forEach((prefix, requests) -> {
            long total = prefixes.getLowerBound(prefix);
            if (total > 0) {
                shares.put(prefix, Math.min(1.0, (double) requests / total));
            }
        });
        return shares;
    }

    /** Per prefix, the requests of this tick from its shared IPs (lower bounds). */
    private Map<Long, Long> sharedRequests(long minIdentities) {
        Map<Long, Long> byPrefix = new HashMap<>();
        for (long address : identities.sharedIpv4(minIdentities)) {
            byPrefix.merge(prefixCodec.ipv4(address), ipv4.getLowerBound(address), Long::sum);
        }
        for (String address : identities.sharedIpv6(minIdentities)) {
            byte[] bytes = IpAddress.parseIpv6(address);
            if (bytes != null) {
                byPrefix.merge(prefixCodec.ipv6(IpAddress.ipv6High(bytes)), ipv6.getLowerBound(address), Long::sum);
            }
        }
        return byPrefix;
    }

    private Set<Long> heavy(long requestFloor, long failureFloor, LongsSketch... sketches) {
        long[] floors = {requestFloor, failureFloor};
        Set<Long> keys = new LinkedHashSet<>();
        for (int s = 0; s < sketches.length; s++) {
            LongsSketch.Row[] rows = sketches[s].getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES);
            Arrays.sort(rows, Comparator.comparingLong(r -> -r.getLowerBound()));
            for (int i = 0; i < Math.min(top, rows.length) && rows[i].getLowerBound() >= floors[s]; i++) {
                keys.add(rows[i].getItem());
            }
        }
        return keys;
    }

    @SafeVarargs
    private Set<String> heavy(long requestFloor, long failureFloor, ItemsSketch<String>... sketches) {
        long[] floors = {requestFloor, failureFloor};
        Set<String> keys = new LinkedHashSet<>();
        for (int s = 0; s < sketches.length; s++) {
            ItemsSketch.Row<String>[] rows = sketches[s].getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES);
            Arrays.sort(rows, Comparator.comparingLong(r -> -r.getLowerBound()));
            for (int i = 0; i < Math.min(top, rows.length) && rows[i].getLowerBound() >= floors[s]; i++) {
                keys.add(rows[i].getItem());
            }
        }
        return keys;
    }

    private static SourceTick ipTick(String source, long windowStart, long requests, long failures, long anonymous,
                                     long identities, double typical, long sources) {
        return SourceTick.newBuilder().setScope(MitigationScope.SOURCE_IP).setSource(source).setWindowStart(windowStart)
            .setRequests(Math.max(requests, failures)).setFailures(failures).setAnonymous(anonymous)
            .setIdentities(identities).setPopulationCount(typical).setPopulationSources(sources).build();
    }
}

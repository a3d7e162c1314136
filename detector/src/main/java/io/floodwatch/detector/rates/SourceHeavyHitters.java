package io.floodwatch.detector.rates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.frequencies.LongsSketch;

import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.target.IpAddress;

/**
 * The heaviest sources of one window since the last tick, by requests and by failures (4xx answers): source IPs
 * and source prefixes, each in frequent-items sketches (DataSketches' Misra-Gries variant) of {@code sketchSize}
 * counters, so memory is fixed however many distinct sources there are.
 *
 * <p>Error bound: with N requests (or N failures) in the tick, each reported count is a lower bound, at most
 * {@code 3.5 N / sketchSize} below the true count (the sketch's {@code getMaximumError()}); a source is reported
 * whenever it is among the {@code top} heaviest by requests or by failures and passes the floor. Reporting lower
 * bounds means a legitimate source is never charged with more requests than it sent.
 */
final class SourceHeavyHitters {

    private final int top;
    private final SourcePrefixes prefixCodec;
    private final LongsSketch ipv4;
    private final ItemsSketch<String> ipv6;
    private final LongsSketch prefixes;
    private final LongsSketch failingIpv4;
    private final ItemsSketch<String> failingIpv6;
    private final LongsSketch failingPrefixes;

    SourceHeavyHitters(int sketchSize, int top, SourcePrefixes prefixCodec) {
        this.top = top;
        this.prefixCodec = prefixCodec;
        this.ipv4 = new LongsSketch(sketchSize);
        this.ipv6 = new ItemsSketch<>(sketchSize);
        this.prefixes = new LongsSketch(sketchSize);
        this.failingIpv4 = new LongsSketch(sketchSize);
        this.failingIpv6 = new ItemsSketch<>(sketchSize);
        this.failingPrefixes = new LongsSketch(sketchSize);
    }

    void addIpv4(long address, long prefix, boolean failed) {
        ipv4.update(address);
        prefixes.update(prefix);
        if (failed) {
            failingIpv4.update(address);
            failingPrefixes.update(prefix);
        }
    }

    void addIpv6(String canonicalText, long prefix, boolean failed) {
        ipv6.update(canonicalText);
        prefixes.update(prefix);
        if (failed) {
            failingIpv6.update(canonicalText);
            failingPrefixes.update(prefix);
        }
    }

    /**
     * Appends the heavy sources of this tick to {@code out} and resets the sketches.
     *
     * @param ipFloor fewest requests (lower bound) for an IP to be reported for its volume
     * @param prefixFloor fewest requests for a prefix to be reported for its volume
     * @param failureFloor fewest failures for an IP or prefix to be reported for its failures
     */
    void drainTo(long windowStart, List<SourceTick> out, long ipFloor, long prefixFloor, long failureFloor) {
        for (long address : heavy(ipv4, failingIpv4, ipFloor, failureFloor)) {
            out.add(tick(MitigationScope.SOURCE_IP, IpAddress.ipv4Text(address), windowStart,
                ipv4.getLowerBound(address), failingIpv4.getLowerBound(address)));
        }
        for (String address : heavy(ipv6, failingIpv6, ipFloor, failureFloor)) {
            out.add(tick(MitigationScope.SOURCE_IP, address, windowStart, ipv6.getLowerBound(address),
                failingIpv6.getLowerBound(address)));
        }
        for (long prefix : heavy(prefixes, failingPrefixes, prefixFloor, failureFloor)) {
            out.add(tick(MitigationScope.SOURCE_PREFIX, prefixCodec.cidr(prefix), windowStart, prefixes.getLowerBound(prefix),
                failingPrefixes.getLowerBound(prefix)));
        }
        ipv4.reset();
        ipv6.reset();
        prefixes.reset();
        failingIpv4.reset();
        failingIpv6.reset();
        failingPrefixes.reset();
    }

    private Set<Long> heavy(LongsSketch requests, LongsSketch failures, long requestFloor, long failureFloor) {
        Set<Long> keys = new LinkedHashSet<>();
        for (LongsSketch.Row row : topOf(requests.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES), requestFloor)) {
            keys.add(row.getItem());
        }
        for (LongsSketch.Row row : topOf(failures.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES), failureFloor)) {
            keys.add(row.getItem());
        }
        return keys;
    }

    private Set<String> heavy(ItemsSketch<String> requests, ItemsSketch<String> failures, long requestFloor, long failureFloor) {
        Set<String> keys = new LinkedHashSet<>();
        for (ItemsSketch<String> sketch : List.of(requests, failures)) {
            long floor = sketch == requests ? requestFloor : failureFloor;
            ItemsSketch.Row<String>[] rows = sketch.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES);
            Arrays.sort(rows, Comparator.comparingLong(r -> -r.getLowerBound()));
            for (int i = 0; i < Math.min(top, rows.length) && rows[i].getLowerBound() >= floor; i++) {
                keys.add(rows[i].getItem());
            }
        }
        return keys;
    }

    private List<LongsSketch.Row> topOf(LongsSketch.Row[] rows, long floor) {
        Arrays.sort(rows, Comparator.comparingLong(r -> -r.getLowerBound()));
        List<LongsSketch.Row> kept = new ArrayList<>(Math.min(top, rows.length));
        for (int i = 0; i < rows.length && kept.size() < top && rows[i].getLowerBound() >= floor; i++) {
            kept.add(rows[i]);
        }
        return kept;
    }

    private static SourceTick tick(MitigationScope scope, String source, long windowStart, long requests, long failures) {
        return SourceTick.newBuilder().setScope(scope).setSource(source).setWindowStart(windowStart)
            .setRequests(Math.max(requests, failures)).setFailures(failures).build();
    }
}

package io.floodwatch.detector.rates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.frequencies.LongsSketch;

import io.floodwatch.detector.ingest.IpAddress;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.SourceTick;

/**
 * The heaviest sources of one window since the last tick: source IPs and source prefixes, each in a
 * frequent-items sketch (DataSketches' Misra-Gries variant) of {@code sketchSize} counters, so memory is fixed
 * however many distinct sources there are.
 *
 * <p>Error bound: with N requests in the tick, each reported count is a lower bound, at most
 * {@code 3.5 N / sketchSize} below the true count (the sketch's {@code getMaximumError()}); a source is
 * reported whenever it is among the {@code top} heaviest. Reporting lower bounds means a legitimate source is
 * never charged with more requests than it sent.
 */
final class SourceHeavyHitters {

    private final int top;
    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;
    private final LongsSketch ipv4;
    private final ItemsSketch<String> ipv6;
    private final LongsSketch ipv4Prefixes;
    private final LongsSketch ipv6Prefixes;

    SourceHeavyHitters(int sketchSize, int top, int ipv4PrefixLength, int ipv6PrefixLength) {
        this.top = top;
        this.ipv4PrefixLength = ipv4PrefixLength;
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.ipv4 = new LongsSketch(sketchSize);
        this.ipv6 = new ItemsSketch<>(sketchSize);
        this.ipv4Prefixes = new LongsSketch(sketchSize);
        this.ipv6Prefixes = new LongsSketch(sketchSize);
    }

    void addIpv4(long address) {
        ipv4.update(address);
        ipv4Prefixes.update(IpAddress.ipv4Network(address, ipv4PrefixLength));
    }

    void addIpv6(String canonicalText, long high64) {
        ipv6.update(canonicalText);
        ipv6Prefixes.update(IpAddress.ipv6Network(high64, ipv6PrefixLength));
    }

    boolean isEmpty() {
        return ipv4.isEmpty() && ipv6.isEmpty();
    }

    /**
     * Appends the heavy sources of this tick to {@code out} and resets the sketches.
     *
     * @param ipFloor fewest requests (lower bound) for an IP to be reported
     * @param prefixFloor fewest requests for a prefix to be reported
     */
    void drainTo(long windowStart, List<SourceTick> out, long ipFloor, long prefixFloor) {
        for (LongsSketch.Row row : topOf(ipv4.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES), ipFloor)) {
            out.add(tick(MitigationScope.SOURCE_IP, IpAddress.ipv4Text(row.getItem()), windowStart, row.getLowerBound()));
        }
        for (LongsSketch.Row row : topOf(ipv4Prefixes.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES), prefixFloor)) {
            out.add(tick(MitigationScope.SOURCE_PREFIX, IpAddress.ipv4Cidr(row.getItem(), ipv4PrefixLength), windowStart,
                row.getLowerBound()));
        }
        ItemsSketch.Row<String>[] v6 = ipv6.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES);
        Arrays.sort(v6, Comparator.comparingLong(r -> -r.getLowerBound()));
        for (int i = 0; i < Math.min(top, v6.length); i++) {
            if (v6[i].getLowerBound() >= ipFloor) {
                out.add(tick(MitigationScope.SOURCE_IP, v6[i].getItem(), windowStart, v6[i].getLowerBound()));
            }
        }
        for (LongsSketch.Row row : topOf(ipv6Prefixes.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES), prefixFloor)) {
            out.add(tick(MitigationScope.SOURCE_PREFIX, IpAddress.ipv6Cidr(row.getItem(), ipv6PrefixLength), windowStart,
                row.getLowerBound()));
        }
        ipv4.reset();
        ipv6.reset();
        ipv4Prefixes.reset();
        ipv6Prefixes.reset();
    }

    private List<LongsSketch.Row> topOf(LongsSketch.Row[] rows, long floor) {
        Arrays.sort(rows, Comparator.comparingLong(r -> -r.getLowerBound()));
        List<LongsSketch.Row> kept = new ArrayList<>(Math.min(top, rows.length));
        for (int i = 0; i < rows.length && kept.size() < top; i++) {
            if (rows[i].getLowerBound() >= floor) {
                kept.add(rows[i]);
            }
        }
        return kept;
    }

    private static SourceTick tick(MitigationScope scope, String source, long windowStart, long requests) {
        return SourceTick.newBuilder().setScope(scope).setSource(source).setWindowStart(windowStart)
            .setRequests(requests).build();
    }
}

package io.floodwatch.detector.rates;

import java.util.Arrays;

import org.apache.datasketches.tuple.TupleSketchIterator;
import org.apache.datasketches.tuple.adouble.DoubleSketch;
import org.apache.datasketches.tuple.adouble.DoubleSummary;

/**
 * How much the sources of one window send, as a bounded uniform sample: a DataSketches tuple sketch (KMV) keyed by
 * source, summing each retained source's requests. A source is retained only if its hash is below the sketch's
 * theta, and theta only falls, so every retained source was counted from its first request: the sample's counts are
 * exact, and its sources a uniform sample of the window's distinct sources. Fixed memory (about
 * {@code 2 << lgEntries} entries) however many sources there are.
 *
 * <p>The task's sources are themselves a uniform sample of all sources (the input is partitioned by a hash of the
 * source), so a quantile of this sample estimates the quantile of the whole population: what an ordinary source
 * sends in this window, which the relative per-source rules compare each heavy source against, with no history.
 */
final class SourcePopulation {

    private static final Double ONE = 1.0;

    private final DoubleSketch sample;

    /** @param lgEntries log2 of the sources sampled */
    SourcePopulation(int lgEntries) {
        this.sample = new DoubleSketch(lgEntries, DoubleSummary.Mode.Sum);
    }

    /** Counts one request of a source, named by a 64-bit hash of its address. */
    void add(long sourceHash) {
        sample.update(sourceHash, ONE);
    }

    /** Estimated distinct sources so far in the window. */
    long sources() {
        return Math.round(sample.getEstimate());
    }

    /**
     * Requests per source at a quantile of the sample (nearest rank), or 0 if the window has no source yet.
     *
     * @param quantile between 0 and 1
     */
    double quantile(double quantile) {
        int retained = sample.getRetainedEntries();
        if (retained == 0) {
            return 0;
        }
        double[] counts = new double[retained];
        TupleSketchIterator<DoubleSummary> entries = sample.iterator();
        int n = 0;
        while (entries.next() && n < retained) {
            counts[n++] = entries.getSummary().getValue();
        }
        Arrays.sort(counts, 0, n);
        int rank = (int) Math.ceil(quantile * n) - 1;
        return counts[Math.max(0, Math.min(n - 1, rank))];
    }
}

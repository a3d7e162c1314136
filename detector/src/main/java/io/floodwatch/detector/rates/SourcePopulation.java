package io.floodwatch.detector.rates;

import java.util.Arrays;
import java.util.List;

import org.apache.datasketches.tuple.Sketch;
import org.apache.datasketches.tuple.TupleSketchIterator;
import org.apache.datasketches.tuple.Union;
import org.apache.datasketches.tuple.adouble.DoubleSketch;
import org.apache.datasketches.tuple.adouble.DoubleSummary;
import org.apache.datasketches.tuple.adouble.DoubleSummarySetOperations;

/**
 * How much the sources of one window send, as a bounded uniform sample: a DataSketches tuple sketch (KMV) keyed by
 * source, summing each retained source's requests. A source is retained only if its hash is below the sketch's
 * theta, and theta only falls, so every retained source was counted from its first request: the sample's counts are
 * exact, and its sources a uniform sample of the window's distinct sources. Fixed memory (about
 * {@code 2 << lgEntries} entries) however many sources there are.
 *
 * <p>The task's sources are themselves a uniform sample of all sources (the input is partitioned by a hash of the
 * source), so a quantile of this sample estimates the quantile of the whole population: what an ordinary source
 * sends in this span of event time, which the relative per-source rules compare each heavy source against, with no history.
 */
final class SourcePopulation {

    private static final Double ONE = 1.0;

    private final int lgEntries;
    private final DoubleSketch sample;

    /** @param lgEntries log2 of the sources sampled */
    SourcePopulation(int lgEntries) {
        this.lgEntries = lgEntries;
        this.sample = new DoubleSketch(lgEntries, DoubleSummary.Mode.Sum);
    }

    /** Counts one request of a source, named by a 64-bit hash of its address. */
    void add(long sourceHash) {
        sample.update(sourceHash, ONE);
    }

    /**
     * The population of several spans of event time together (a tuple-sketch union, summing a source's requests
     * over them): still a uniform sample with exact counts, since a source is kept only if its hash is below the
     * smallest theta, below which every part counted it from its first request.
     */
    static Counts union(List<SourcePopulation> parts) {
        if (parts.size() == 1) {
            return Counts.of(parts.get(0).sample);
        }
        Union<DoubleSummary> union = new Union<>(1 << parts.get(0).lgEntries,
            new DoubleSummarySetOperations(DoubleSummary.Mode.Sum, DoubleSummary.Mode.Sum));
        for (SourcePopulation part : parts) {
            union.union(part.sample);
        }
        return Counts.of(union.getResult());
    }

    /**
     * What a population's sample says.
     *
     * @param sources estimated distinct sources
     * @param sorted the sampled sources' requests, in ascending order
     */
    record Counts(long sources, double[] sorted) {

        static Counts of(Sketch<DoubleSummary> sketch) {
            int retained = sketch.getRetainedEntries();
            double[] counts = new double[retained];
            TupleSketchIterator<DoubleSummary> entries = sketch.iterator();
            int n = 0;
            while (entries.next() && n < retained) {
                counts[n++] = entries.getSummary().getValue();
            }
            Arrays.sort(counts, 0, n);
            return new Counts(Math.round(sketch.getEstimate()), n == retained ? counts : Arrays.copyOf(counts, n));
        }

        /**
         * Requests per source at a quantile of the sample (nearest rank), or 0 if there is no source.
         *
         * @param quantile between 0 and 1
         */
        double quantile(double quantile) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(quantile * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
        }
    }
}

package io.floodwatch.detector.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourcePopulationTest {

    @Test
    void shouldEstimateQuantilesOfPerSourceCountsFromABoundedSampleWhenSourcesAreMany() {
        // Given 100,000 sources with one request each and 10,000 with 30 each (9% of the sources)
        SourcePopulation population = new SourcePopulation(9);
        for (long source = 0; source < 100_000; source++) {
            population.add(source * 0x9E3779B97F4A7C15L);
        }
        for (int request = 0; request < 30; request++) {
            for (long source = 100_000; source < 110_000; source++) {
                population.add(source * 0x9E3779B97F4A7C15L);
            }
        }

        // When
        SourcePopulation.Counts counts = SourcePopulation.union(java.util.List.of(population));
        double median = counts.quantile(0.5);
        double top = counts.quantile(0.99);
        long sources = counts.sources();

        // Then the sample's counts are exact, so the quantiles are the true ones on either side of the 9%
        assertEquals(1.0, median, 1e-9);
        assertEquals(30.0, top, 1e-9);
        assertTrue(Math.abs(sources - 110_000) < 110_000 * 0.15, "estimate " + sources);
    }

    @Test
    void shouldSumEachSourceOverTheSpansWhenSeveralAreJoined() {
        // Given 20,000 sources with one request in each of four spans of event time, and 100 with 10 in each
        java.util.List<SourcePopulation> spans = new java.util.ArrayList<>();
        for (int span = 0; span < 4; span++) {
            SourcePopulation population = new SourcePopulation(9);
            for (long source = 0; source < 20_000; source++) {
                population.add(source * 0x9E3779B97F4A7C15L);
            }
            for (int request = 0; request < 10; request++) {
                for (long source = 20_000; source < 20_100; source++) {
                    population.add(source * 0x9E3779B97F4A7C15L);
                }
            }
            spans.add(population);
        }

        // When
        SourcePopulation.Counts counts = SourcePopulation.union(spans);

        // Then every sampled source's count is its sum over the spans, exactly: 4 for the many, 40 for the few
        for (double count : counts.sorted()) {
            assertTrue(count == 4.0 || count == 40.0, "count " + count);
        }
        assertEquals(4.0, counts.quantile(0.5), 1e-9);
        assertTrue(Math.abs(counts.sources() - 20_100) < 20_100 * 0.15, "estimate " + counts.sources());
    }

    @Test
    void shouldReturnZeroWhenTheWindowHasNoSource() {
        SourcePopulation.Counts counts = SourcePopulation.union(java.util.List.of(new SourcePopulation(9)));
        assertEquals(0.0, counts.quantile(0.5), 1e-9);
        assertEquals(0, counts.sources());
    }
}

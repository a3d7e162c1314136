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
        double median = population.quantile(0.5);
        double top = population.quantile(0.99);
        long sources = population.sources();

        // Then the sample's counts are exact, so the quantiles are the true ones on either side of the 9%
        assertEquals(1.0, median, 1e-9);
        assertEquals(30.0, top, 1e-9);
        assertTrue(Math.abs(sources - 110_000) < 110_000 * 0.15, "estimate " + sources);
    }

    @Test
    void shouldReturnZeroWhenTheWindowHasNoSource() {
        assertEquals(0.0, new SourcePopulation(9).quantile(0.5), 1e-9);
        assertEquals(0, new SourcePopulation(9).sources());
    }
}

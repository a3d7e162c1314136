package io.floodwatch.detector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.serde.FloodwatchSchemas;

class BaselineModelTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long WINDOW_MS = 10_000L;
    private static final long GRACE_MS = 20_000L;
    private static final String ROUTE = "GET /api/v1/models";

    private final BaselineModel model = new BaselineModel(0.5, WINDOW_MS, GRACE_MS, 20, 3, 50_000, 0.1);

    /*
     * Copying a generated record (newBuilder(other)) makes Avro load its classes through its class-security check;
     * the detector's serdes trust the io.floodwatch.schema package before any record is processed, so do the same.
     */
    @BeforeAll
    static void trustGeneratedClasses() {
        FloodwatchSchemas.trustGeneratedClasses();
    }

    @Test
    void shouldKeepWindowOpenUntilStreamTimePassesItsEndPlusGrace() {
        // Given
        EndpointBaseline baseline = model.observe(null, rate(T0, 100), T0 + 5_000).baseline();

        // When
        BaselineModel.Observation beforeClose = model.observe(baseline, rate(T0 + 20_000, 5), T0 + 29_999);
        BaselineModel.Observation atClose = model.observe(beforeClose.baseline(), rate(T0 + 20_000, 5), T0 + 30_000);

        // Then
        assertEquals(0, beforeClose.foldedWindows());
        assertEquals(0, beforeClose.baseline().getWindows());
        assertEquals(2, beforeClose.baseline().getOpen().size());
        assertEquals(1, atClose.foldedWindows());
        assertEquals(1, atClose.baseline().getWindows());
        assertEquals(100.0, atClose.baseline().getMeanRequests(), 1e-9);
        assertEquals(T0 + WINDOW_MS, atClose.baseline().getFoldedUntil());
    }

    @Test
    void shouldLearnTheMeanOfClosedWindowsOnlyWhenLaterWindowsAreStillOpen() {
        // Given
        EndpointBaseline baseline = model.observe(null, rate(T0, 100), T0).baseline();
        baseline = model.observe(baseline, rate(T0 + 10_000, 200), T0 + 10_000).baseline();

        // When
        BaselineModel.Observation observation = model.observe(baseline, rate(T0 + 40_000, 10_000), T0 + 40_000);

        // Then
        EndpointBaseline learned = observation.baseline();
        assertEquals(2, observation.foldedWindows());
        assertEquals(2, learned.getWindows());
        assertEquals(150.0, learned.getMeanRequests(), 1e-9, "the open window of 10000 is not learned yet");
        assertEquals(2_500.0, learned.getVarianceRequests(), 1e-9);
        assertEquals(1, learned.getOpen().size());
        assertEquals(T0 + 40_000, learned.getOpen().get(0).getStart());
    }

    @Test
    void shouldKeepTheLargestCountWhenUpdatesOfAnOpenWindowArriveOutOfOrder() {
        // Given
        EndpointBaseline baseline = model.observe(null, rate(T0, 100), T0).baseline();

        // When
        baseline = model.observe(baseline, rate(T0, 60), T0 + 1_000).baseline();
        long afterOlderUpdate = baseline.getOpen().get(0).getRequests();
        baseline = model.observe(baseline, rate(T0, 150), T0 + 2_000).baseline();
        long afterNewerUpdate = baseline.getOpen().get(0).getRequests();
        EndpointBaseline closed = model.observe(baseline, rate(T0 + 30_000, 1), T0 + 30_000).baseline();

        // Then
        assertEquals(100, afterOlderUpdate);
        assertEquals(150, afterNewerUpdate);
        assertEquals(1, closed.getWindows());
        assertEquals(150.0, closed.getMeanRequests(), 1e-9);
    }

    @Test
    void shouldReportStaleAndIgnoreTheUpdateWhenItsWindowIsAlreadyFolded() {
        // Given
        EndpointBaseline baseline = model.observe(null, rate(T0, 100), T0).baseline();
        baseline = model.observe(baseline, rate(T0 + 30_000, 100), T0 + 30_000).baseline();
        assertEquals(T0 + WINDOW_MS, baseline.getFoldedUntil());

        // When
        BaselineModel.Observation late = model.observe(baseline, rate(T0, 5_000), T0 + 31_000);

        // Then
        assertTrue(late.stale());
        assertEquals(0, late.foldedWindows());
        assertEquals(baseline, late.baseline());
        assertEquals(100.0, late.baseline().getMeanRequests(), 1e-9);
        assertFalse(model.observe(baseline, rate(T0 + WINDOW_MS, 1), T0 + 31_000).stale());
    }

    @Test
    void shouldNotLearnAWindowWhenItIsMarkedAnomalous() {
        // Given
        EndpointBaseline baseline = model.observe(null, rate(T0, 100), T0).baseline();
        baseline = model.observe(baseline, rate(T0 + 10_000, 10_000), T0 + 10_000).baseline();
        baseline = model.markAnomalous(baseline, T0 + 10_000);

        // When
        BaselineModel.Observation observation = model.observe(baseline, rate(T0 + 40_000, 100), T0 + 40_000);

        // Then
        assertEquals(2, observation.foldedWindows());
        assertEquals(1, observation.baseline().getWindows());
        assertEquals(100.0, observation.baseline().getMeanRequests(), 1e-9);
        assertEquals(T0 + 20_000, observation.baseline().getFoldedUntil(), "folded, so later updates of it are stale");
    }

    @Test
    void shouldLearnZerosWhenWindowsWithoutTrafficLieBetweenFoldedWindows() {
        // Given
        EndpointBaseline baseline = model.observe(null, rate(T0, 100), T0).baseline();
        baseline = model.observe(baseline, rate(T0 + 30_000, 100), T0 + 30_000).baseline();

        // When
        BaselineModel.Observation observation = model.observe(baseline, rate(T0 + 60_000, 100), T0 + 60_000);

        // Then
        EndpointBaseline learned = observation.baseline();
        assertEquals(4, learned.getWindows(), "100, two empty windows, 100");
        assertEquals(62.5, learned.getMeanRequests(), 1e-9);
        assertEquals(T0 + 40_000, learned.getFoldedUntil());
    }

    @Test
    void shouldConvergeRegionSharesToTheMixWhenTheMixIsStable() {
        // Given a first window from elsewhere, then a steady 80/20 mix
        EndpointBaseline baseline = model.observe(null, rate(T0, 100, Map.of("DE", 100L)), T0).baseline();
        for (int i = 1; i <= 12; i++) {
            long start = T0 + i * WINDOW_MS;
            baseline = model.observe(baseline, rate(start, 100, Map.of("CN", 80L, "US", 20L)), start).baseline();
        }

        // When
        Map<String, Double> shares = baseline.getRegionShares();

        // Then
        assertEquals(10, baseline.getWindows());
        assertEquals(0.8, shares.get("CN"), 0.01);
        assertEquals(0.2, shares.get("US"), 0.01);
        assertTrue(shares.getOrDefault("DE", 0.0) < 0.01, shares.toString());
    }

    @Test
    void shouldLearnTheShareOfEachPieceOfEvidenceWhenWindowsClose() {
        // Given windows where half the requests fail, a quarter are scripted and one prefix is heavy
        EndpointBaseline baseline = null;
        for (int i = 0; i < 8; i++) {
            long start = T0 + i * WINDOW_MS;
            EndpointRate rate = EndpointRate.newBuilder(rate(start, 100)).setClientErrors(50).setScriptedRequests(25)
                .setNewSourceRequests(10).setTopPrefixes(Map.of("198.51.100.0/24", 40L, "203.0.113.0/24", 5L)).build();
            baseline = model.observe(baseline, rate, start).baseline();
        }

        // Then
        assertEquals(0.5, baseline.getFailureShare(), 1e-9);
        assertEquals(0.25, baseline.getScriptedShare(), 1e-9);
        assertEquals(0.1, baseline.getNewSourceShare(), 1e-9);
        assertEquals(0.4, baseline.getConcentration(), 1e-9, "only the prefix with at least 20 requests is heavy");
    }

    @Test
    void shouldExpectTheHourlyMeanWhenThatHourHasLearnedEnoughAndIsBusier() {
        // Given an hour of the day with 300 requests per window, then an hour of 100 that pulls the overall mean down
        EndpointBaseline baseline = null;
        long ten = T0 - Math.floorMod(T0, 86_400_000L) + 10 * 3_600_000L;
        long nine = ten - 6 * WINDOW_MS;
        for (int i = 0; i < 6; i++) {
            long start = nine + i * WINDOW_MS;
            baseline = model.observe(baseline, rate(start, 300), start).baseline();
        }
        for (int i = 0; i < 10; i++) {
            long start = ten + i * WINDOW_MS;
            baseline = model.observe(baseline, rate(start, 100), start).baseline();
        }

        // When
        double atNineNextDay = model.expectedRequests(baseline, nine + 86_400_000L);
        double atTenNextDay = model.expectedRequests(baseline, ten + 86_400_000L);

        // Then
        assertTrue(baseline.getMeanRequests() < 150, "mean " + baseline.getMeanRequests());
        assertEquals(300.0, atNineNextDay, 1e-9);
        assertEquals(100.0, atTenNextDay, 5.0, "about the hour's own mean");
    }

    @Test
    void shouldBeWarmOnlyOnceTheWarmUpIsLearned() {
        // Given a warm-up of 50 s: five windows
        EndpointBaseline baseline = null;
        for (int i = 0; i <= 9; i++) {
            long start = T0 + i * WINDOW_MS;
            baseline = model.observe(baseline, rate(start, 100), start).baseline();
            // Then
            assertEquals(baseline.getWindows() >= 5, model.isWarm(baseline), "after " + baseline.getWindows() + " windows");
        }
        assertTrue(model.isWarm(baseline));
    }

    private static EndpointRate rate(long windowStart, long requests) {
        return rate(windowStart, requests, Map.of("US", requests));
    }

    private static EndpointRate rate(long windowStart, long requests, Map<String, Long> regions) {
        return EndpointRate.newBuilder()
            .setRoute(ROUTE)
            .setWindowStart(windowStart)
            .setWindowEnd(windowStart + WINDOW_MS)
            .setRequests(requests)
            .setClientErrors(0)
            .setServerErrors(0)
            .setDistinctSources(1)
            .setRegionCounts(regions)
            .setSourcesSketch(ByteBuffer.allocate(0))
            .build();
    }
}

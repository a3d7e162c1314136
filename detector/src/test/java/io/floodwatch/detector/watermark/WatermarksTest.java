package io.floodwatch.detector.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class WatermarksTest {

    private static final long NONE = Long.MIN_VALUE;
    private static final WatermarkSettings SETTINGS = new WatermarkSettings(600_000, 5_000);

    @Test
    void shouldFollowTheSlowestUpstreamWhenUpstreamsDrift() {
        // Given
        Watermarks watermarks = new Watermarks(SETTINGS, 2);

        // When
        watermarks.report("a", 38 * 60_000L, false, 0);
        watermarks.report("b", 30 * 60_000L, false, 0);

        // Then
        assertEquals(30 * 60_000L, watermarks.current());
    }

    @Test
    void shouldStayUndefinedWhenFewerUpstreamsThanExpectedHaveReported() {
        // Given
        Watermarks watermarks = new Watermarks(SETTINGS, 3);

        // When
        watermarks.report("a", 1_000, false, 0);
        watermarks.report("b", 2_000, false, 0);

        // Then
        assertEquals(NONE, watermarks.current());
    }

    @Test
    void shouldIgnoreIdleUpstreamsWhenOthersHaveProgressPastTheSettlingTime() {
        // Given
        Watermarks watermarks = new Watermarks(SETTINGS, 2);
        watermarks.report("idle", NONE, true, 0);
        watermarks.report("busy", 40_000, false, 10_000);

        // When
        watermarks.report("busy", 50_000, false, 16_000);

        // Then
        assertEquals(50_000, watermarks.current());
        assertFalse(watermarks.allIdle());
    }

    @Test
    void shouldWaitForUpstreamsWithoutInputWhenTheFirstProgressArrivesUntilTheSettlingTimeIsOver() {
        // Given upstreams whose number is not known
        Watermarks watermarks = new Watermarks(SETTINGS, 0);
        watermarks.report("late-starter", NONE, true, 0);

        // When
        watermarks.report("early", 50_000, false, 1_000);
        long duringSettling = watermarks.current();
        watermarks.advance(7_000);

        // Then
        assertEquals(NONE, duringSettling);
        assertEquals(50_000, watermarks.current());
    }

    @Test
    void shouldNotWaitWhenEveryExpectedUpstreamHasReported() {
        // Given two expected upstreams, one of which says it is idle (caught up, nothing since it started)
        Watermarks watermarks = new Watermarks(SETTINGS, 2);
        watermarks.report("idle", NONE, true, 0);

        // When the other reports progress
        watermarks.report("busy", 50_000, false, 1_000);

        // Then the watermark follows it at once: no upstream is left to turn up late
        assertEquals(50_000, watermarks.current());
    }

    @Test
    void shouldSettleAtOnceWhenEveryUpstreamHasProgress() {
        // Given
        Watermarks watermarks = new Watermarks(SETTINGS, 2);
        watermarks.report("a", NONE, false, 0);

        // When
        watermarks.report("b", 20_000, false, 1);
        watermarks.report("a", 10_000, false, 2);

        // Then
        assertEquals(10_000, watermarks.current());
    }

    @Test
    void shouldNeverGoBackWhenAnUpstreamReportsLess() {
        // Given
        Watermarks watermarks = new Watermarks(SETTINGS, 0);
        watermarks.report("a", 40_000, false, 0);

        // When
        boolean advanced = watermarks.report("b", 10_000, false, 1);

        // Then
        assertFalse(advanced);
        assertEquals(40_000, watermarks.current());
    }

    @Test
    void shouldHoldBackWhenAnUpstreamFallsSilentAndForgetItOnlyAfterTheForgetTime() {
        // Given
        Watermarks watermarks = new Watermarks(new WatermarkSettings(60_000, 0), 0);
        watermarks.report("silent", 10_000, false, 0);
        watermarks.report("live", 90_000, false, 0);

        // When
        List<String> early = watermarks.forgetSilent(30_000);
        watermarks.report("live", 95_000, false, 70_000);
        List<String> late = watermarks.forgetSilent(70_000);

        // Then
        assertTrue(early.isEmpty());
        assertEquals(List.of("silent"), late);
        assertEquals(95_000, watermarks.current());
    }

    @Test
    void shouldIgnoreRestoredUpstreamsThatStaySilentWhenTheExpectedNumberOfOthersReport() {
        // Given
        Watermarks watermarks = new Watermarks(SETTINGS, 2);
        watermarks.restore("old-topology/1_0", 5_000, false, 0);
        watermarks.restore("a", 6_000, false, 0);

        // When
        watermarks.report("a", 20_000, false, 1);
        watermarks.report("b", 30_000, false, 1);

        // Then
        assertEquals(20_000, watermarks.current());
    }
}

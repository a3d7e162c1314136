package io.floodwatch.detector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.SourceRate;

class SourceRateLimitsTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long WINDOW_MS = 10_000L;

    private final SourceRateLimits limits = new SourceRateLimits(new FloodwatchConfig(Map.of(
        FloodwatchConfig.WINDOW_SIZE_CONFIG, WINDOW_MS,
        FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 20.0,
        FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 100.0,
        FloodwatchConfig.PREFIX_THROTTLE_RATE_CONFIG, 200.0,
        FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG, 1000.0,
        FloodwatchConfig.SOURCE_TTL_CONFIG, 600_000L)));

    @Test
    void shouldReturnNothingWhenTheSourceIsAtOrUnderItsThrottleRate() {
        // Given 200 requests in 10 s: exactly 20/s
        SourceRate atLimit = rate(MitigationScope.SOURCE_IP, "203.0.113.7", 200);

        // When
        Optional<MitigationCandidate> candidate = limits.evaluate(atLimit, T0);

        // Then
        assertTrue(candidate.isEmpty(), candidate.toString());
        assertTrue(limits.evaluate(rate(MitigationScope.SOURCE_IP, "203.0.113.7", 1), T0).isEmpty());
    }

    @Test
    void shouldThrottleToTheLimitWhenTheSourceExceedsItsThrottleRate() {
        // Given
        SourceRate overThrottle = rate(MitigationScope.SOURCE_IP, "203.0.113.7", 201);

        // When
        MitigationCandidate candidate = limits.evaluate(overThrottle, T0 + 5).orElseThrow();

        // Then
        assertEquals(MitigationAction.THROTTLE, candidate.getAction());
        assertEquals(20.0, candidate.getRateLimitPerSecond(), 1e-9);
        assertEquals(MitigationScope.SOURCE_IP, candidate.getScope());
        assertEquals("203.0.113.7", candidate.getTarget());
        assertEquals("ip:203.0.113.7", candidate.getKey());
        assertEquals(SourceRateLimits.RULE, candidate.getRule());
        assertEquals(T0 + 5, candidate.getDetectedAt());
        assertEquals(600_000L, candidate.getTtlMs());
        assertEquals(20.1, candidate.getEvidence().get("requestsPerSecond"), 1e-9);
    }

    @Test
    void shouldBlockWhenTheSourceExceedsItsBlockRate() {
        // Given
        SourceRate overBlock = rate(MitigationScope.SOURCE_IP, "203.0.113.7", 1_001);

        // When
        MitigationCandidate candidate = limits.evaluate(overBlock, T0).orElseThrow();

        // Then
        assertEquals(MitigationAction.BLOCK, candidate.getAction());
        assertNull(candidate.getRateLimitPerSecond(), "a block has no rate");
        assertEquals(100.0, candidate.getEvidence().get("limitPerSecond"), 1e-9);
        assertEquals(MitigationAction.THROTTLE,
            limits.evaluate(rate(MitigationScope.SOURCE_IP, "203.0.113.7", 1_000), T0).orElseThrow().getAction(),
            "exactly the block rate is still a throttle");
    }

    @Test
    void shouldApplyPrefixLimitsWhenTheScopeIsAPrefix() {
        // Given rates that would throttle or block a single IP
        SourceRate overIpBlock = rate(MitigationScope.SOURCE_PREFIX, "203.0.113.0/24", 1_500);
        SourceRate overPrefixThrottle = rate(MitigationScope.SOURCE_PREFIX, "203.0.113.0/24", 2_001);
        SourceRate overPrefixBlock = rate(MitigationScope.SOURCE_PREFIX, "203.0.113.0/24", 10_001);

        // When
        Optional<MitigationCandidate> underPrefixLimit = limits.evaluate(overIpBlock, T0);
        MitigationCandidate throttle = limits.evaluate(overPrefixThrottle, T0).orElseThrow();
        MitigationCandidate block = limits.evaluate(overPrefixBlock, T0).orElseThrow();

        // Then
        assertTrue(underPrefixLimit.isEmpty(), underPrefixLimit.toString());
        assertEquals(MitigationAction.THROTTLE, throttle.getAction());
        assertEquals(200.0, throttle.getRateLimitPerSecond(), 1e-9);
        assertEquals("prefix:203.0.113.0/24", throttle.getKey());
        assertEquals(MitigationScope.SOURCE_PREFIX, throttle.getScope());
        assertEquals(MitigationAction.BLOCK, block.getAction());
    }

    private static SourceRate rate(MitigationScope scope, String source, long requests) {
        return SourceRate.newBuilder()
            .setScope(scope)
            .setSource(source)
            .setWindowStart(T0)
            .setWindowEnd(T0 + WINDOW_MS)
            .setRequests(requests)
            .build();
    }
}

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

    @Test
    void shouldBlockFromTheFirstWindowWhenAnIpSendsManyTimesWhatTheOrdinarySourceSendsWithoutAnAccount() {
        // Given a population whose ordinary source sent 1 request, and a bot that sent 40 without an account (4/s,
        // far under the absolute limit of 20/s)
        SourceRate bot = population(rate(MitigationScope.SOURCE_IP, "198.51.100.9", 40), 40, 1.0, 2_000);

        // When
        MitigationCandidate candidate = limits.evaluate(bot, T0).orElseThrow();

        // Then
        assertEquals(MitigationAction.BLOCK, candidate.getAction());
        assertEquals(SourceRateLimits.RELATIVE_RULE, candidate.getRule());
        assertEquals(1.0, candidate.getEvidence().get("limitPerSecond"), 1e-9, "the block floor: 1/s over the window");
        assertTrue(candidate.getReason().contains("40 times what the ordinary source sent"), candidate.getReason());
    }

    @Test
    void shouldThrottleWhenAnIpIsOverTheRelativeThrottleButUnderTheRelativeBlock() {
        // Given the ordinary source sent 1 request; throttle above max(0.5/s × 10 s, 5 × 1), block above max(10, 10)
        SourceRate heavy = population(rate(MitigationScope.SOURCE_IP, "198.51.100.9", 8), 8, 1.0, 2_000);
        SourceRate atThrottle = population(rate(MitigationScope.SOURCE_IP, "198.51.100.9", 5), 5, 1.0, 2_000);

        // When
        MitigationCandidate candidate = limits.evaluate(heavy, T0).orElseThrow();

        // Then it is throttled to what people send, twice what the ordinary source sent: 2 requests over 10 s
        assertEquals(MitigationAction.THROTTLE, candidate.getAction());
        assertEquals(0.2, candidate.getRateLimitPerSecond(), 1e-9);
        assertEquals(0.5, candidate.getEvidence().get("limitPerSecond"), 1e-9, "the limit it crossed");
        assertTrue(limits.evaluate(atThrottle, T0).isEmpty(), "exactly at the limit is not over it");
    }

    @Test
    void shouldFollowThePopulationWhenOrdinarySourcesSendMore() {
        // Given ordinary sources that each send 20 requests in the window (a busy site)
        SourceRate asBusy = population(rate(MitigationScope.SOURCE_IP, "198.51.100.9", 90), 90, 20.0, 2_000);
        SourceRate fiveAndAHalfTimes = population(rate(MitigationScope.SOURCE_IP, "198.51.100.9", 110), 110, 20.0, 2_000);

        // When
        Optional<MitigationCandidate> busy = limits.evaluate(asBusy, T0);
        MitigationCandidate over = limits.evaluate(fiveAndAHalfTimes, T0).orElseThrow();

        // Then
        assertTrue(busy.isEmpty(), "90 is under 5 × 20: " + busy);
        assertEquals(MitigationAction.THROTTLE, over.getAction());
        assertEquals(10.0, over.getEvidence().get("limitPerSecond"), 1e-9, "5 × 20 requests over 10 s");
        assertEquals(4.0, over.getRateLimitPerSecond(), 1e-9, "throttled to 2 × 20 requests over 10 s");
    }

    @Test
    void shouldNotJudgeRelativelyWhenThePopulationIsTooSmallOrTheRequestsCarryAnAccount() {
        // Given
        SourceRate fewSources = population(rate(MitigationScope.SOURCE_IP, "198.51.100.9", 40), 40, 1.0, 10);
        SourceRate customer = population(rate(MitigationScope.SOURCE_IP, "198.51.100.9", 150), 0, 1.0, 2_000);

        // When
        Optional<MitigationCandidate> small = limits.evaluate(fewSources, T0);
        Optional<MitigationCandidate> known = limits.evaluate(customer, T0);

        // Then
        assertTrue(small.isEmpty(), small.toString());
        assertTrue(known.isEmpty(), "15/s with an account is under the absolute limit: " + known);
    }

    @Test
    void shouldScaleTheLimitsAndNeverBlockWhenTheAddressIsShared() {
        // Given a NAT address sending 200 requests/s (twice the block rate) with 300 accounts behind it, and one with 50
        SourceRate crowd = shared(rate(MitigationScope.SOURCE_IP, "36.64.0.10", 2_000), 300);
        SourceRate busier = shared(rate(MitigationScope.SOURCE_IP, "36.64.0.11", 2_000), 50);

        // When
        Optional<MitigationCandidate> withinBudget = limits.evaluate(crowd, T0);
        MitigationCandidate overBudget = limits.evaluate(busier, T0).orElseThrow();

        // Then
        assertTrue(withinBudget.isEmpty(), "300 identities × 2/s allow 600/s: " + withinBudget);
        assertEquals(MitigationAction.THROTTLE, overBudget.getAction(), "never blocked on volume");
        assertEquals(100.0, overBudget.getRateLimitPerSecond(), 1e-9, "50 identities × 2/s");
        assertTrue(overBudget.getShared());
        assertTrue(overBudget.getReason().contains("shared by about 50"), overBudget.getReason());
    }

    @Test
    void shouldThrottleRatherThanBlockWhenASharedAddressFails() {
        // Given a shared address whose requests mostly fail
        SourceRate failing = shared(rate(MitigationScope.SOURCE_IP, "36.64.0.10", 100), 40);
        failing.setFailures(80);

        // When
        MitigationCandidate candidate = limits.evaluate(failing, T0).orElseThrow();

        // Then
        assertEquals(SourceRateLimits.FAILURE_RULE, candidate.getRule());
        assertEquals(MitigationAction.THROTTLE, candidate.getAction());
        assertEquals(80.0, candidate.getRateLimitPerSecond(), 1e-9, "40 identities × 2/s");
    }

    @Test
    void shouldJudgeAPrefixWithoutItsSharedAddressesWhenItHoldsNats() {
        // Given a prefix at 250/s, 100/s of which come from its shared addresses
        SourceRate prefix = rate(MitigationScope.SOURCE_PREFIX, "36.64.0.0/24", 2_500);
        prefix.setSharedRequests(1_000);

        // When
        Optional<MitigationCandidate> candidate = limits.evaluate(prefix, T0);

        // Then
        assertTrue(candidate.isEmpty(), "150/s is under the prefix throttle of 200/s: " + candidate);
    }

    private static SourceRate population(SourceRate rate, long anonymous, double typical, long sources) {
        rate.setAnonymous(anonymous);
        rate.setPopulationCount(typical);
        rate.setPopulationSources(sources);
        return rate;
    }

    private static SourceRate shared(SourceRate rate, long identities) {
        rate.setIdentities(identities);
        return rate;
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

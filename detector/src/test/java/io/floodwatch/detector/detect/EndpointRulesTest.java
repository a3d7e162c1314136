package io.floodwatch.detector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;

class EndpointRulesTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final String MODELS = "GET /api/v1/models";
    private static final String REGISTER = "POST /api/v1/auth/register";
    private static final String LOGIN = "POST /api/v1/auth/login";
    private static final Map<String, Double> USUAL_MIX = Map.of("US", 0.6, "DE", 0.3, "ZZ", 0.07, "other", 0.03);

    private final EndpointRules rules = new EndpointRules(new FloodwatchConfig(Map.ofEntries(
        Map.entry(FloodwatchConfig.WINDOW_SIZE_CONFIG, 10_000L),
        Map.entry(FloodwatchConfig.BASELINE_MIN_WINDOWS_CONFIG, 6),
        Map.entry(FloodwatchConfig.ENDPOINT_SURGE_FACTOR_CONFIG, 5.0),
        Map.entry(FloodwatchConfig.ENDPOINT_MIN_REQUESTS_CONFIG, 200L),
        Map.entry(FloodwatchConfig.ENDPOINT_THROTTLE_HEADROOM_CONFIG, 2.0),
        Map.entry(FloodwatchConfig.REGISTRATION_SURGE_FACTOR_CONFIG, 3.0),
        Map.entry(FloodwatchConfig.REGISTRATION_MIN_REQUESTS_CONFIG, 30L),
        Map.entry(FloodwatchConfig.REGISTRATION_FOREIGN_SHARE_CONFIG, 0.5),
        Map.entry(FloodwatchConfig.REGISTRATION_USUAL_SHARE_CONFIG, 0.05))));

    @Test
    void shouldDoNothingWhenTheBaselineIsStillWarmingUp() {
        // Given five completed windows, one fewer than baseline.min.windows
        EndpointBaseline warmingUp = baseline(MODELS, 5, 100, 100, Map.of("US", 1.0));

        // When
        Optional<MitigationCandidate> candidate = rules.evaluate(warmingUp, rate(MODELS, 100_000, Map.of("CN", 100_000L)), T0);

        // Then
        assertTrue(candidate.isEmpty(), candidate.toString());
    }

    @Test
    void shouldDoNothingWhenTrafficIsWithinTheSurgeThreshold() {
        // Given a threshold of max(5 x 100, 100 + 4 x 10) = 500
        EndpointBaseline learned = baseline(MODELS, 10, 100, 100, Map.of("US", 1.0));

        // When
        Optional<MitigationCandidate> candidate = rules.evaluate(learned, rate(MODELS, 500, Map.of("US", 500L)), T0);

        // Then
        assertTrue(candidate.isEmpty(), candidate.toString());
    }

    @Test
    void shouldThrottleTheEndpointWhenTrafficSurgesAboveItsBaseline() {
        // Given
        EndpointBaseline learned = baseline(MODELS, 10, 100, 100, Map.of("US", 1.0));

        // When
        MitigationCandidate candidate = rules.evaluate(learned, rate(MODELS, 1_000, Map.of("US", 1_000L)), T0)
            .orElseThrow();

        // Then
        assertEquals(MitigationAction.THROTTLE, candidate.getAction());
        assertEquals(EndpointRules.SURGE_RULE, candidate.getRule());
        assertEquals(MitigationScope.ENDPOINT, candidate.getScope());
        assertEquals(MODELS, candidate.getTarget());
        assertEquals("endpoint:" + MODELS, candidate.getKey());
        assertEquals(20.0, candidate.getRateLimitPerSecond(), 1e-9, "baseline 100 per 10 s, times headroom 2");
        assertEquals(10.0, candidate.getEvidence().get("surgeRatio"), 1e-9);
    }

    @Test
    void shouldRestrictRegistrationToTheUsualRegionsWhenASurgeComesFromForeignRegions() {
        // Given
        EndpointBaseline learned = baseline(REGISTER, 10, 10, 4, USUAL_MIX);
        EndpointRate surge = rate(REGISTER, 100, Map.of("CN", 80L, "US", 15L, "DE", 5L));

        // When
        MitigationCandidate candidate = rules.evaluate(learned, surge, T0).orElseThrow();

        // Then
        assertEquals(MitigationAction.RESTRICT_REGISTRATION, candidate.getAction());
        assertEquals(EndpointRules.REGISTRATION_RULE, candidate.getRule());
        assertEquals(List.of("DE", "US"), candidate.getAllowedRegions(), "sorted; ZZ and other are never usual");
        assertNull(candidate.getRateLimitPerSecond());
        assertEquals("endpoint:" + REGISTER, candidate.getKey());
        assertEquals(0.8, candidate.getEvidence().get("foreignShare"), 1e-9);
    }

    @Test
    void shouldThrottleInsteadOfRestrictingWhenARegistrationSurgeHasTheUsualMix() {
        // Given
        EndpointBaseline learned = baseline(REGISTER, 10, 10, 4, USUAL_MIX);
        EndpointRate surge = rate(REGISTER, 300, Map.of("US", 200L, "DE", 100L));

        // When
        MitigationCandidate candidate = rules.evaluate(learned, surge, T0).orElseThrow();

        // Then
        assertEquals(MitigationAction.THROTTLE, candidate.getAction());
        assertEquals(EndpointRules.SURGE_RULE, candidate.getRule());
        assertNull(candidate.getAllowedRegions());
        assertEquals(8.0, candidate.getRateLimitPerSecond(), 1e-9, "max(10, 200 / 5) per 10 s, times headroom 2");
    }

    @Test
    void shouldNeverRestrictRegistrationWhenTheRouteIsLogin() {
        // Given a foreign surge on login, and one on a GET of the registration path
        EndpointBaseline learned = baseline(LOGIN, 10, 10, 4, USUAL_MIX);
        EndpointRate foreignSurge = rate(LOGIN, 300, Map.of("CN", 300L));
        EndpointRate smallForeignSurge = rate(LOGIN, 100, Map.of("CN", 100L));
        EndpointRate getRegister = rate("GET /api/v1/auth/register", 100, Map.of("CN", 100L));

        // When
        MitigationCandidate candidate = rules.evaluate(learned, foreignSurge, T0).orElseThrow();
        Optional<MitigationCandidate> small = rules.evaluate(learned, smallForeignSurge, T0);
        Optional<MitigationCandidate> get = rules.evaluate(learned, getRegister, T0);

        // Then
        assertEquals(MitigationAction.THROTTLE, candidate.getAction());
        assertEquals(EndpointRules.SURGE_RULE, candidate.getRule());
        assertTrue(small.isEmpty(), small.toString());
        assertTrue(get.isEmpty(), get.toString());
    }

    private static EndpointBaseline baseline(String route, long windows, double mean, double variance,
                                             Map<String, Double> shares) {
        return EndpointBaseline.newBuilder()
            .setRoute(route)
            .setWindows(windows)
            .setMeanRequests(mean)
            .setVarianceRequests(variance)
            .setRegionShares(shares)
            .setFoldedUntil(T0)
            .setOpen(new ArrayList<>())
            .build();
    }

    private static EndpointRate rate(String route, long requests, Map<String, Long> regions) {
        return EndpointRate.newBuilder()
            .setRoute(route)
            .setWindowStart(T0)
            .setWindowEnd(T0 + 10_000)
            .setRequests(requests)
            .setClientErrors(0)
            .setServerErrors(0)
            .setDistinctSources(50)
            .setRegionCounts(regions)
            .setSourcesSketch(ByteBuffer.allocate(0))
            .build();
    }
}

package io.floodwatch.detector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private static final String CHAT = "POST /api/v1/chat/completions";
    private static final String REGISTER = "POST /api/v1/auth/register";
    private static final String LOGIN = "POST /api/v1/auth/login";
    private static final Map<String, Double> USUAL_MIX = Map.of("US", 0.6, "DE", 0.3, "ZZ", 0.07, "other", 0.03);

    private final FloodwatchConfig config = new FloodwatchConfig(Map.ofEntries(
        Map.entry(FloodwatchConfig.WINDOW_SIZE_CONFIG, 10_000L),
        Map.entry(FloodwatchConfig.BASELINE_MIN_WINDOWS_CONFIG, 6),
        Map.entry(FloodwatchConfig.BASELINE_WARMUP_CONFIG, 100_000L),
        Map.entry(FloodwatchConfig.ENDPOINT_SURGE_FACTOR_CONFIG, 5.0),
        Map.entry(FloodwatchConfig.ENDPOINT_MIN_REQUESTS_CONFIG, 200L),
        Map.entry(FloodwatchConfig.ENDPOINT_THROTTLE_HEADROOM_CONFIG, 2.0),
        Map.entry(FloodwatchConfig.REGISTRATION_SURGE_FACTOR_CONFIG, 3.0),
        Map.entry(FloodwatchConfig.REGISTRATION_MIN_REQUESTS_CONFIG, 30L),
        Map.entry(FloodwatchConfig.REGISTRATION_FOREIGN_SHARE_CONFIG, 0.5),
        Map.entry(FloodwatchConfig.REGISTRATION_USUAL_SHARE_CONFIG, 0.05),
        Map.entry(FloodwatchConfig.HEAVY_PREFIX_REQUESTS_CONFIG, 20L),
        Map.entry(FloodwatchConfig.CAPACITIES_CONFIG, MODELS + "=50")));
    private final BaselineModel model = new BaselineModel(0.1, 10_000, 20_000, 20, 6, 100_000, 0.1);
    private final EndpointRules rules = new EndpointRules(config, model);

    @Test
    void shouldDoNothingWhenTheBaselineHasTooFewWindows() {
        // Given five completed windows, one fewer than baseline.min.windows
        EndpointBaseline young = baseline(CHAT, 5, 100, 100, Map.of("US", 1.0));

        // When
        List<MitigationCandidate> candidates = rules.evaluate(young, window(CHAT, 100_000).scripted(100_000).build(), T0);

        // Then
        assertTrue(candidates.isEmpty(), candidates.toString());
    }

    @Test
    void shouldDoNothingWhenTrafficIsWithinTheSurgeThreshold() {
        // Given a threshold of max(5 x 100, 100 + 4 x 10) = 500
        EndpointBaseline learned = baseline(CHAT, 20, 100, 100, Map.of("US", 1.0));

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, window(CHAT, 500).scripted(500).build(), T0);

        // Then
        assertTrue(candidates.isEmpty(), candidates.toString());
    }

    @Test
    void shouldBlockEachHeavyPrefixWhenASurgeIsAnAttack() {
        // Given a scripted surge from two heavy prefixes and a sprinkle of light ones
        EndpointBaseline learned = baseline(CHAT, 20, 100, 100, Map.of("US", 1.0));
        EndpointRate surge = window(CHAT, 1_000).scripted(950)
            .prefix("198.51.100.0/24", 600).prefix("203.0.113.0/24", 350).prefix("192.0.2.0/24", 3).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then the two heavy prefixes are blocked, nothing broader
        assertEquals(2, candidates.size(), candidates.toString());
        for (MitigationCandidate candidate : candidates) {
            assertEquals(MitigationAction.BLOCK, candidate.getAction());
            assertEquals(MitigationScope.SOURCE_PREFIX, candidate.getScope());
            assertEquals(EndpointRules.ATTACK_RULE, candidate.getRule());
            assertEquals(EndpointRules.ATTACK, candidate.getVerdict());
            assertTrue(candidate.getBaselineRelative());
            assertTrue(candidate.getReason().contains("scripted user agents"), candidate.getReason());
        }
        assertEquals("prefix:198.51.100.0/24", candidates.get(0).getKey());
        assertEquals("prefix:203.0.113.0/24", candidates.get(1).getKey());
        assertTrue(candidates.get(0).getEvidence().get("score") >= 0.4);
    }

    @Test
    void shouldOnlyObserveWhenASurgeIsAFlashCrowdFromNewRegions() {
        // Given people with browsers, from a region that was small before, on registration
        EndpointBaseline learned = baseline(REGISTER, 20, 10, 4, USUAL_MIX);
        EndpointRate crowd = window(REGISTER, 300).regions(Map.of("GB", 250L, "US", 50L)).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, crowd, T0);

        // Then
        assertEquals(1, candidates.size(), candidates.toString());
        MitigationCandidate observation = candidates.get(0);
        assertEquals(EndpointRules.FLASH_CROWD, observation.getVerdict());
        assertEquals(MitigationAction.UNKNOWN, observation.getAction());
        assertTrue(observation.getReason().contains("flash crowd"), observation.getReason());
    }

    @Test
    void shouldRestrictRegistrationToTheUsualRegionsWhenAnAttackComesFromForeignRegions() {
        // Given a scripted, failing registration surge from a region outside the usual mix, spread over light prefixes
        EndpointBaseline learned = baseline(REGISTER, 20, 10, 4, USUAL_MIX);
        EndpointRate surge = window(REGISTER, 100).regions(Map.of("CN", 80L, "US", 15L, "DE", 5L)).scripted(80).failures(60)
            .build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then
        MitigationCandidate restriction = only(candidates, MitigationAction.RESTRICT_REGISTRATION);
        assertEquals(EndpointRules.REGISTRATION_RULE, restriction.getRule());
        assertEquals(List.of("DE", "US"), restriction.getAllowedRegions(), "sorted; ZZ and other are never usual");
        assertNull(restriction.getRateLimitPerSecond());
        assertEquals("endpoint:" + REGISTER, restriction.getKey());
        assertEquals(0.1, restriction.getBlastRadius(), 1e-9, "the usual regions carried 90% of the baseline");
        assertTrue(candidates.stream().noneMatch(c -> c.getAction() == MitigationAction.THROTTLE),
            "the restriction explains the surge: " + candidates);
    }

    @Test
    void shouldThrottleTheEndpointWithItsBlastRadiusWhenAnAttackIsTooSpreadOutToName() {
        // Given a failing surge from the usual regions with no heavy prefix, mostly from browsers (scripts are a third)
        EndpointBaseline learned = baseline(LOGIN, 20, 100, 100, USUAL_MIX);
        EndpointRate surge = window(LOGIN, 1_000).regions(Map.of("US", 1_000L)).scripted(300).failures(900).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then
        MitigationCandidate throttle = only(candidates, MitigationAction.THROTTLE);
        assertEquals(EndpointRules.SURGE_RULE, throttle.getRule());
        assertEquals(20.0, throttle.getRateLimitPerSecond(), 1e-9, "expected 100 per 10 s, times headroom 2");
        assertEquals(0.8, throttle.getBlastRadius(), 1e-9, "a shared limit of 200 per window refuses 80% of 1,000");
        assertTrue(candidates.stream().noneMatch(c -> c.getAction() == MitigationAction.RESTRICT_REGISTRATION));
    }

    @Test
    void shouldRestrictAnyRouteToTheUsualRegionsWithABudgetWhenASpreadOutAttackComesFromOtherRegions() {
        // Given failing logins spread thin over many prefixes, 90% from a region outside the usual mix
        EndpointBaseline learned = baseline(LOGIN, 20, 100, 100, USUAL_MIX);
        EndpointRate surge = window(LOGIN, 1_000).regions(Map.of("BR", 900L, "US", 100L)).scripted(900).failures(900).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then the usual regions pass, the others share twice what they usually send (10% of 100 per 10 s, at least 1/s)
        MitigationCandidate restriction = only(candidates, MitigationAction.RESTRICT_REGION);
        assertEquals(EndpointRules.REGION_RULE, restriction.getRule());
        assertEquals(List.of("DE", "US"), restriction.getAllowedRegions());
        assertEquals(2.0, restriction.getRateLimitPerSecond(), 1e-9, "0.1 × 100 × 2 over 10 s");
        assertEquals(0.1, restriction.getBlastRadius(), 1e-9);
        assertTrue(candidates.stream().noneMatch(c -> c.getAction() == MitigationAction.THROTTLE
            || c.getAction() == MitigationAction.RESTRICT_REGISTRATION), "the restriction explains the surge: " + candidates);
    }

    @Test
    void shouldThrottleAtCapacityWhenLegitimateTrafficOverloadsARoute() {
        // Given a route with a capacity of 50/s and a legitimate surge of 100/s
        EndpointBaseline learned = baseline(MODELS, 20, 100, 100, Map.of("US", 1.0));

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, window(MODELS, 1_000).build(), T0);

        // Then
        MitigationCandidate throttle = only(candidates, MitigationAction.THROTTLE);
        assertEquals(EndpointRules.OVERLOAD, throttle.getVerdict());
        assertEquals(EndpointRules.OVERLOAD_RULE, throttle.getRule());
        assertEquals(50.0, throttle.getRateLimitPerSecond(), 1e-9);
    }

    @Test
    void shouldMarkVerdictsColdWhileTheBaselineWarmsUp() {
        // Given enough windows to judge (6) but fewer than the warm-up (10)
        EndpointBaseline cold = baseline(CHAT, 8, 100, 100, Map.of("US", 1.0));
        EndpointBaseline warm = baseline(CHAT, 10, 100, 100, Map.of("US", 1.0));
        EndpointRate surge = window(CHAT, 1_000).scripted(1_000).prefix("198.51.100.0/24", 1_000).build();

        // When
        List<MitigationCandidate> coldCandidates = rules.evaluate(cold, surge, T0);
        List<MitigationCandidate> warmCandidates = rules.evaluate(warm, surge, T0);

        // Then
        assertFalse(coldCandidates.get(0).getWarm());
        assertTrue(warmCandidates.get(0).getWarm());
    }

    @Test
    void shouldKeepJudgingABorderlineSurgeAnAttackWhenTheRouteWasJustUnderAttack() {
        // Given a surge whose evidence scores 0.335, under the attack score of 0.4 but over 0.75 of it
        EndpointBaseline calm = baseline(CHAT, 20, 100, 100, Map.of("US", 1.0));
        EndpointBaseline attacked = EndpointBaseline.newBuilder(calm).setLastAttackAt(T0 - 10_000).build();
        EndpointRate surge = window(CHAT, 1_000).scripted(1_000).failures(100).build();

        // When
        List<MitigationCandidate> afterCalm = rules.evaluate(calm, surge, T0);
        List<MitigationCandidate> afterAttack = rules.evaluate(attacked, surge, T0);

        // Then
        assertEquals(EndpointRules.FLASH_CROWD, afterCalm.get(0).getVerdict());
        assertEquals(EndpointRules.ATTACK, afterAttack.get(0).getVerdict());
    }

    @Test
    void shouldBlockTheWiderBlockWhenAFloodComesFromAFreshSlash64EveryRequest() {
        // Given a scripted surge from one /48, every request from its own /64 (no /64 heavy), a tenth of it in one /56
        EndpointBaseline learned = baseline(CHAT, 20, 100, 100, Map.of("US", 1.0));
        EndpointRate surge = window(CHAT, 1_000).scripted(900)
            .wider("2a01:4f8:c0de::/48", 900).wider("2a01:4f8:c0de:100::/56", 90).wider("2a01:4f8::/32", 900)
            .wider("2a01:4f8:c000::/40", 900).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then the /48 alone: the /56 carries too little of the window, the /40 and /32 nothing beyond the /48
        MitigationCandidate block = only(candidates, MitigationAction.BLOCK);
        assertEquals("prefix:2a01:4f8:c0de::/48", block.getKey());
        assertEquals(EndpointRules.ATTACK_RULE, block.getRule());
        assertEquals(0.0, block.getBlastRadius(), 1e-9, "no request of the block carried an account");
        assertTrue(candidates.stream().noneMatch(c -> c.getAction() == MitigationAction.THROTTLE),
            "the block explains the surge: " + candidates);
    }

    @Test
    void shouldNameTheWiderBlockInsteadOfItsHeavyPrefixesWhenTheyExplainTooLittleOfIt() {
        // Given a flood over one /16 where two /24s are heavy and the rest is spread over fresh /24s
        EndpointBaseline learned = baseline(CHAT, 20, 100, 100, Map.of("US", 1.0));
        EndpointRate surge = window(CHAT, 1_000).scripted(900).prefix("198.18.1.0/24", 60).prefix("198.18.2.0/24", 50)
            .wider("198.18.0.0/16", 900).wider("198.18.0.0/20", 500).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then the /20 explains 390 beyond its two /24s, the /16 400 beyond the /20: one command on the /16 stands for all
        MitigationCandidate block = only(candidates, MitigationAction.BLOCK);
        assertEquals("prefix:198.18.0.0/16", block.getKey());
        assertEquals(900.0, block.getEvidence().get("prefixRequests"), 1e-9);
    }

    @Test
    void shouldGiveAWiderBlockTheShareOfTheRoutesKnownUsersItHoldsAsItsBlastRadius() {
        // Given a /16 carrying a scripted flood and half of the route's requests with an account
        EndpointBaseline learned = baseline(CHAT, 20, 100, 100, Map.of("US", 1.0));
        EndpointRate surge = window(CHAT, 1_000).scripted(800).accounts(200).wider("198.18.0.0/16", 900, 100).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then the planner will hold it past the blast-radius cap (20% by default)
        MitigationCandidate block = only(candidates, MitigationAction.BLOCK);
        assertEquals(0.5, block.getBlastRadius(), 1e-9);
    }

    @Test
    void shouldRequireAnAccountWhenARouteWhoseUsersSignInIsFloodedWithoutOne() {
        // Given chat completions, 98% signed in as a rule, flooded by browsers from the usual region, spread thin, that
        // never sign in
        EndpointBaseline learned = EndpointBaseline.newBuilder(baseline(CHAT, 20, 100, 100, Map.of("US", 1.0)))
            .setAccountShare(0.98).build();
        EndpointRate surge = window(CHAT, 1_000).accounts(100).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then the route requires an account; its blast radius is the 2% that usually come without one
        MitigationCandidate restriction = only(candidates, MitigationAction.REQUIRE_ACCOUNT);
        assertEquals(EndpointRules.ACCOUNT_RULE, restriction.getRule());
        assertEquals(MitigationScope.ENDPOINT, restriction.getScope());
        assertEquals(0.02, restriction.getBlastRadius(), 1e-9);
        assertTrue(restriction.getReason().contains("90% of the window came without one"), restriction.getReason());
        assertTrue(candidates.stream().noneMatch(c -> c.getAction() == MitigationAction.THROTTLE), candidates.toString());
    }

    @Test
    void shouldRefuseScriptedClientsWhenRegistrationsFromTheUsualRegionsComeFromScripts() {
        // Given registrations from the usual regions, spread thin, scripted and mostly rejected
        EndpointBaseline learned = EndpointBaseline.newBuilder(baseline(REGISTER, 20, 10, 4, USUAL_MIX))
            .setScriptedShare(0.01).build();
        EndpointRate surge = window(REGISTER, 100).regions(Map.of("US", 70L, "DE", 30L)).scripted(90).failures(80).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then no region restriction can help; scripts are refused, people with browsers are not
        MitigationCandidate refusal = only(candidates, MitigationAction.REFUSE_SCRIPTED);
        assertEquals(EndpointRules.SCRIPTED_RULE, refusal.getRule());
        assertEquals(0.01, refusal.getBlastRadius(), 1e-9);
        assertTrue(candidates.stream().noneMatch(c -> c.getAction() == MitigationAction.RESTRICT_REGISTRATION), candidates.toString());
    }

    @Test
    void shouldLeaveClientsAloneWhenTheRouteAlreadyCarriesWhatTheSurgeLacks() {
        // Given a route whose users never sign in (registrations), flooded by failing browsers without an account
        EndpointBaseline learned = baseline(LOGIN, 20, 100, 100, USUAL_MIX);
        EndpointRate surge = window(LOGIN, 1_000).regions(Map.of("US", 1_000L)).failures(900).build();

        // When
        List<MitigationCandidate> candidates = rules.evaluate(learned, surge, T0);

        // Then neither an account requirement (nobody usually has one) nor a refusal of scripts (there are none)
        assertTrue(candidates.stream().noneMatch(c -> c.getAction() == MitigationAction.REQUIRE_ACCOUNT
            || c.getAction() == MitigationAction.REFUSE_SCRIPTED), candidates.toString());
    }

    private static MitigationCandidate only(List<MitigationCandidate> candidates, MitigationAction action) {
        List<MitigationCandidate> matching = candidates.stream().filter(c -> c.getAction() == action).toList();
        assertEquals(1, matching.size(), candidates.toString());
        return matching.get(0);
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
            .setHourlyMeans(new ArrayList<>())
            .setHourlyWindows(new ArrayList<>())
            .build();
    }

    private static Window window(String route, long requests) {
        return new Window(route, requests);
    }

    /** Builds an open window's aggregate: by default all from the US, browsers, no failures, no heavy prefix. */
    private static final class Window {
        private final EndpointRate.Builder rate;
        private final Map<String, Long> prefixes = new HashMap<>();
        private final Map<String, Long> wider = new HashMap<>();
        private final Map<String, Long> widerAccounts = new HashMap<>();

        Window(String route, long requests) {
            rate = EndpointRate.newBuilder().setRoute(route).setWindowStart(T0).setWindowEnd(T0 + 10_000).setRequests(requests)
                .setClientErrors(0).setServerErrors(0).setDistinctSources(requests).setRegionCounts(Map.of("US", requests))
                .setSourcesSketch(ByteBuffer.allocate(0));
        }

        Window regions(Map<String, Long> regions) {
            rate.setRegionCounts(regions);
            return this;
        }

        Window scripted(long scripted) {
            rate.setScriptedRequests(scripted);
            return this;
        }

        Window failures(long failures) {
            rate.setClientErrors(failures);
            return this;
        }

        Window prefix(String cidr, long requests) {
            prefixes.put(cidr, requests);
            return this;
        }

        Window wider(String cidr, long requests) {
            return wider(cidr, requests, 0);
        }

        Window wider(String cidr, long requests, long accounts) {
            wider.put(cidr, requests);
            widerAccounts.put(cidr, accounts);
            return this;
        }

        Window accounts(long accounts) {
            rate.setAccountRequests(accounts);
            return this;
        }

        EndpointRate build() {
            return rate.setTopPrefixes(prefixes).setWiderPrefixes(wider).setWiderPrefixAccounts(widerAccounts).build();
        }
    }
}

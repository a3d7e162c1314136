package io.floodwatch.detector.mitigate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.floodwatch.detector.detect.Candidates;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.serde.FloodwatchSchemas;
import io.floodwatch.detector.rules.Allowlist;
import io.floodwatch.detector.rules.AsnDatabase;

class MitigationPolicyTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long WALL = 1_800_000_000_000L;
    private static final long TTL_MS = 600_000L;
    private static final long LIFT_AFTER_MS = 30_000L;
    private static final long MEMORY_MS = 3_600_000L;
    private static final String IP = "203.0.113.7";
    private static final String KEY = "ip:" + IP;

    private final MitigationPolicy policy = new MitigationPolicy(settings(Set.of(), Allowlist.parse(List.of())));

    /*
     * Copying a generated record (newBuilder(other)) makes Avro load its classes through its class-security check;
     * the detector's serdes trust the io.floodwatch.schema package before any record is processed, so do the same.
     */
    @BeforeAll
    static void trustGeneratedClasses() {
        FloodwatchSchemas.trustGeneratedClasses();
    }

    @Test
    void shouldIssueACommandAndAnAnomalyWhenTheTargetHasNoCommand() {
        // Given
        MitigationCandidate throttle = candidate(MitigationAction.THROTTLE, 20.0);

        // When
        MitigationPolicy.Decision decision = policy.onCandidate(null, throttle, T0, WALL);

        // Then
        MitigationCommand command = decision.command();
        assertNotNull(command);
        assertEquals(MitigationAction.THROTTLE, command.getAction());
        assertEquals(MitigationScope.SOURCE_IP, command.getScope());
        assertEquals(IP, command.getTarget());
        assertEquals(20.0, command.getRateLimitPerSecond(), 1e-9);
        assertEquals(MitigationMode.ENFORCE, command.getMode());
        assertEquals(T0, command.getDetectedAt());
        assertEquals(WALL, command.getIssuedAt());
        assertEquals(T0 + TTL_MS, command.getExpiresAt());
        assertEquals("source-rate-limit", command.getRule());
        assertNotNull(decision.anomaly());
        assertEquals(KEY, decision.anomaly().getKey());
        assertEquals("attack", decision.anomaly().getVerdict());
        assertEquals(MitigationPolicy.ENFORCED, decision.anomaly().getDisposition());
        assertEquals(MitigationAction.THROTTLE, decision.anomaly().getAction());
        assertEquals(command, decision.state().getCommand());
        assertEquals(T0, decision.state().getLastSeenAt());
    }

    @Test
    void shouldNotRepeatTheCommandWhenTheSameCandidateArrivesAgain() {
        // Given
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();

        // When
        MitigationPolicy.Decision decision = policy.onCandidate(state, candidate(MitigationAction.THROTTLE, 22.0),
            T0 + 10_000, WALL + 10_000);

        // Then
        assertNull(decision.command());
        assertNull(decision.anomaly());
        assertEquals(state.getCommand(), decision.state().getCommand());
        assertEquals(T0 + 10_000, decision.state().getLastSeenAt());
    }

    @Test
    void shouldRefreshWithTheSameIdAndALaterExpiryWhenHalfTheLifetimeHasPassed() {
        // Given
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationCommand original = state.getCommand();

        // When
        MitigationPolicy.Decision beforeHalf = policy.onCandidate(state, candidate(MitigationAction.THROTTLE, 20.0),
            T0 + TTL_MS / 2, WALL + 1);
        MitigationPolicy.Decision afterHalf = policy.onCandidate(state, candidate(MitigationAction.THROTTLE, 20.0),
            T0 + TTL_MS / 2 + 1, WALL + 2);

        // Then
        assertNull(beforeHalf.command());
        MitigationCommand refreshed = afterHalf.command();
        assertNotNull(refreshed);
        assertEquals(original.getCommandId(), refreshed.getCommandId());
        assertEquals(T0 + TTL_MS / 2 + 1 + TTL_MS, refreshed.getExpiresAt());
        assertEquals(WALL + 2, refreshed.getIssuedAt());
        assertNull(afterHalf.anomaly(), "a refresh is not a new detection");
    }

    @Test
    void shouldKeepTheConfiguredLifetimeWhenRefreshedRepeatedlyDuringALongAttack() {
        // Given an attack lasting ten lifetimes, with the rule asking every 10 s
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationCommand last = state.getCommand();
        int refreshes = 0;

        // When
        for (long now = T0 + 10_000; now <= T0 + 10 * TTL_MS; now += 10_000) {
            MitigationPolicy.Decision decision = policy.onCandidate(state, candidate(MitigationAction.THROTTLE, 20.0),
                now, WALL);
            state = decision.state();
            if (decision.command() != null) {
                last = decision.command();
                refreshes++;
                assertEquals(now + TTL_MS, last.getExpiresAt(), "refresh " + refreshes + " at " + (now - T0));
            }
        }

        // Then
        assertTrue(refreshes >= 19, "refreshed about every half lifetime, was " + refreshes);
        assertTrue(last.getExpiresAt() <= T0 + 10 * TTL_MS + TTL_MS, "expiry " + (last.getExpiresAt() - T0));
    }

    @Test
    void shouldIssueANewCommandWhenAStrongerActionArrives() {
        // Given
        MitigationState throttled = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();

        // When
        MitigationPolicy.Decision decision = policy.onCandidate(throttled, candidate(MitigationAction.BLOCK, null),
            T0 + 10_000, WALL);

        // Then
        assertNotNull(decision.command());
        assertEquals(MitigationAction.BLOCK, decision.command().getAction());
        assertNull(decision.command().getRateLimitPerSecond());
        assertNotEquals(throttled.getCommand().getCommandId(), decision.command().getCommandId());
        assertNotNull(decision.anomaly());
        assertEquals(MitigationAction.BLOCK, decision.state().getCommand().getAction());
    }

    @Test
    void shouldNotDowngradeWhenAWeakerActionArrives() {
        // Given
        MitigationState blocked = policy.onCandidate(null, candidate(MitigationAction.BLOCK, null), T0, WALL).state();

        // When
        MitigationPolicy.Decision decision = policy.onCandidate(blocked, candidate(MitigationAction.THROTTLE, 20.0),
            T0 + 10_000, WALL);

        // Then
        assertNull(decision.command());
        assertNull(decision.anomaly());
        assertEquals(MitigationAction.BLOCK, decision.state().getCommand().getAction());
        assertEquals(T0 + 10_000, decision.state().getLastSeenAt(), "the weaker candidate still counts as a sighting");
    }

    @Test
    void shouldIssueANewCommandWhenTheRateLimitChangesByMoreThanAQuarter() {
        // Given
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();

        // When
        MitigationPolicy.Decision smallChange = policy.onCandidate(state, candidate(MitigationAction.THROTTLE, 25.0),
            T0 + 10_000, WALL);
        MitigationPolicy.Decision largeChange = policy.onCandidate(state, candidate(MitigationAction.THROTTLE, 25.1, T0 + 10_000),
            T0 + 10_000, WALL);

        // Then
        assertNull(smallChange.command(), "exactly 25% is not a change");
        assertNotNull(largeChange.command());
        assertEquals(25.1, largeChange.command().getRateLimitPerSecond(), 1e-9);
        assertNotEquals(state.getCommand().getCommandId(), largeChange.command().getCommandId());
    }

    @Test
    void shouldLiftOnlyWhenNoRuleAskedForTheCommandForLiftAfter() {
        // Given
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();

        // When
        MitigationPolicy.Decision tooSoon = policy.onTick(state, T0 + LIFT_AFTER_MS - 1, WALL);
        MitigationPolicy.Decision lift = policy.onTick(state, T0 + LIFT_AFTER_MS, WALL + 5);

        // Then
        assertNull(tooSoon);
        MitigationCommand command = lift.command();
        assertEquals(MitigationAction.LIFT, command.getAction());
        assertEquals(IP, command.getTarget());
        assertEquals(MitigationScope.SOURCE_IP, command.getScope());
        assertNull(command.getRateLimitPerSecond());
        assertEquals(T0 + LIFT_AFTER_MS, command.getDetectedAt());
        assertEquals(T0 + LIFT_AFTER_MS, command.getExpiresAt());
        assertTrue(command.getReason().contains(state.getCommand().getCommandId()), command.getReason());
        assertTrue(lift.state().getLifted(), "the lifted target is remembered");
        assertEquals(command.getCommandId(), policy.onTick(state, T0 + LIFT_AFTER_MS, WALL + 99).command().getCommandId());
    }

    @Test
    void shouldStampTheLiftWithTheEndOfTheQuietPeriodWhenTheWatermarkGetsThereLate() {
        // Given a throttle last asked for at T0
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();

        // When the watermark first gets past the quiet period a minute late (a backlog read in one step)
        MitigationCommand lift = policy.onTick(state, T0 + LIFT_AFTER_MS + 60_000, WALL).command();

        // Then it is the LIFT a watermark moving in small steps would have issued
        assertEquals(MitigationAction.LIFT, lift.getAction());
        assertEquals(T0 + LIFT_AFTER_MS, lift.getDetectedAt());
        assertEquals(lift.getCommandId(), policy.onTick(state, T0 + LIFT_AFTER_MS, WALL).command().getCommandId());
    }

    @Test
    void shouldEscalateAThrottleToALongerBlockWhenALiftedTargetOffendsAgain() {
        // Given a throttle that was lifted
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationState lifted = policy.onTick(state, T0 + LIFT_AFTER_MS, WALL).state();

        // When the source comes back a minute later
        long again = T0 + 90_000;
        MitigationPolicy.Decision decision = policy.onCandidate(lifted, candidate(MitigationAction.THROTTLE, 20.0, again), again,
            WALL);

        // Then
        MitigationCommand command = decision.command();
        assertEquals(MitigationAction.BLOCK, command.getAction());
        assertNull(command.getRateLimitPerSecond());
        assertEquals(again + 2 * TTL_MS, command.getExpiresAt(), "the second offence doubles the lifetime");
        assertEquals(2, decision.state().getOffences());
        assertEquals(2.0, decision.anomaly().getEvidence().get("offences"), 1e-9);
        assertNull(policy.onTick(decision.state(), again + LIFT_AFTER_MS, WALL), "a repeat offender is held twice as long");
        assertNotNull(policy.onTick(decision.state(), again + 2 * LIFT_AFTER_MS, WALL));
    }

    @Test
    void shouldNotRepeatAnEscalatedBlockWhenTheThrottleCandidateComesAgain() {
        // Given a repeat offender whose throttle was escalated to a block
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationState lifted = policy.onTick(state, T0 + LIFT_AFTER_MS, WALL).state();
        long again = T0 + 90_000;
        MitigationState blocked = policy.onCandidate(lifted, candidate(MitigationAction.THROTTLE, 20.0, again), again, WALL).state();

        // When the same throttle candidate arrives a second later
        MitigationPolicy.Decision decision = policy.onCandidate(blocked, candidate(MitigationAction.THROTTLE, 20.0, again + 1_000),
            again + 1_000, WALL);

        // Then
        assertNull(decision.command());
        assertNull(decision.anomaly());
        assertEquals(MitigationAction.BLOCK, decision.state().getCommand().getAction());
    }

    @Test
    void shouldKeepAnEnforcedCommandWhenAnotherRuleWantsADryRunOneForTheSameTarget() {
        // Given an enforced throttle
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationCandidate coldBlock = Candidates.of("endpoint-attack", MitigationAction.BLOCK, MitigationScope.SOURCE_IP, IP, null,
            null, T0, TTL_MS, "attack, baseline still warming up", Map.of());
        coldBlock.setBaselineRelative(true);
        coldBlock.setWarm(false);

        // When
        MitigationPolicy.Decision decision = policy.onCandidate(state, coldBlock, T0 + 1_000, WALL);

        // Then
        assertNull(decision.command());
        assertEquals(MitigationMode.ENFORCE, decision.state().getCommand().getMode());
        assertEquals(MitigationAction.THROTTLE, decision.state().getCommand().getAction());
    }

    @Test
    void shouldLiftAnEnforcedCommandAtOnceWhenItsTargetIsAllowlistedAtRunTime() {
        // Given an enforced throttle, then the operator allowlists the address
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationPolicy allowing = new MitigationPolicy(settings(Set.of(), Allowlist.parse(List.of(IP))));

        // When
        MitigationPolicy.Decision decision = allowing.onCandidate(state, candidate(MitigationAction.THROTTLE, 20.0), T0 + 1_000, WALL);
        MitigationPolicy.Decision quiet = allowing.onTick(decision.state(), T0 + 1_000 + LIFT_AFTER_MS, WALL);

        // Then
        assertEquals(MitigationAction.LIFT, decision.command().getAction());
        assertEquals(MitigationPolicy.ALLOWLISTED, decision.anomaly().getDisposition());
        assertNull(quiet.command(), "no second LIFT for a command that is no longer published");
        assertTrue(quiet.state().getLifted());
    }

    @Test
    void shouldReissueAsDryRunWhenAnOperatorPutsTheEnforcedRuleInDryRun() {
        // Given
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationPolicy dryRun = new MitigationPolicy(settings(Set.of("source-rate-limit"), Allowlist.parse(List.of())));

        // When
        MitigationPolicy.Decision decision = dryRun.onCandidate(state, candidate(MitigationAction.THROTTLE, 20.0), T0 + 1_000, WALL);

        // Then
        assertEquals(MitigationMode.DRY_RUN, decision.command().getMode());
        assertEquals(MitigationAction.THROTTLE, decision.command().getAction());
    }

    @Test
    void shouldForgetALiftedTargetWhenItsOffenceMemoryIsOver() {
        // Given
        MitigationState state = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0), T0, WALL).state();
        MitigationState lifted = policy.onTick(state, T0 + LIFT_AFTER_MS, WALL).state();

        // When
        MitigationPolicy.Decision remembered = policy.onTick(lifted, T0 + LIFT_AFTER_MS + MEMORY_MS, WALL);
        MitigationPolicy.Decision forgotten = policy.onTick(lifted, T0 + LIFT_AFTER_MS + MEMORY_MS + 1, WALL);
        MitigationPolicy.Decision fresh = policy.onCandidate(lifted, candidate(MitigationAction.THROTTLE, 20.0),
            T0 + LIFT_AFTER_MS + MEMORY_MS + 1, WALL);

        // Then
        assertNull(remembered);
        assertNull(forgotten.state(), "deleted");
        assertEquals(MitigationAction.THROTTLE, fresh.command().getAction(), "a first offence again");
    }

    @Test
    void shouldPublishDryRunWhenTheRuleIsInDryRunOrItsBaselineIsWarmingUp() {
        // Given
        MitigationPolicy dryRunRule = new MitigationPolicy(settings(Set.of("source-rate-limit"), Allowlist.parse(List.of())));
        MitigationCandidate cold = candidate(MitigationAction.THROTTLE, 20.0);
        cold.setBaselineRelative(true);
        cold.setWarm(false);

        // When
        MitigationPolicy.Decision byRule = dryRunRule.onCandidate(null, candidate(MitigationAction.BLOCK, null), T0, WALL);
        MitigationPolicy.Decision byWarmUp = policy.onCandidate(null, cold, T0, WALL);
        MitigationCandidate warm = candidate(MitigationAction.THROTTLE, 20.0);
        warm.setBaselineRelative(true);
        MitigationPolicy.Decision onceWarm = policy.onCandidate(byWarmUp.state(), warm, T0 + 1_000, WALL);

        // Then
        assertEquals(MitigationMode.DRY_RUN, byRule.command().getMode());
        assertEquals(MitigationPolicy.DRY_RUN, byRule.anomaly().getDisposition());
        assertEquals(MitigationMode.DRY_RUN, byWarmUp.command().getMode());
        assertEquals(MitigationMode.ENFORCE, onceWarm.command().getMode(), "enforced as soon as the baseline is warm");
    }

    @Test
    void shouldIssueNoCommandWhenTheTargetOverlapsTheAllowlist() {
        // Given an allowlisted address inside the prefix a rule wants to block
        MitigationPolicy allowing = new MitigationPolicy(settings(Set.of(), Allowlist.parse(List.of("203.0.113.7"))));
        MitigationCandidate prefix = Candidates.of("endpoint-attack", MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX,
            "203.0.113.0/24", null, null, T0, TTL_MS, "attack", Map.of());

        // When
        MitigationPolicy.Decision decision = allowing.onCandidate(null, prefix, T0, WALL);
        MitigationPolicy.Decision again = allowing.onCandidate(decision.state(), prefix, T0 + 1_000, WALL);

        // Then
        assertNull(decision.command());
        assertEquals(MitigationPolicy.ALLOWLISTED, decision.anomaly().getDisposition());
        assertNull(decision.anomaly().getAction());
        assertNull(again.anomaly(), "raised once, not on every candidate");
        assertNull(again.command());
    }

    @Test
    void shouldAlwaysAllowAllowlistedRegionsToRegister() {
        // Given
        MitigationPolicy allowing = new MitigationPolicy(settings(Set.of(), Allowlist.parse(List.of("region:SG"))));
        MitigationCandidate restriction = Candidates.of("registration-region-shift", MitigationAction.RESTRICT_REGISTRATION,
            MitigationScope.ENDPOINT, "POST /api/v1/auth/register", List.of("CN", "US"), null, T0, TTL_MS, "flood", Map.of());

        // When
        MitigationCommand command = allowing.onCandidate(null, restriction, T0, WALL).command();

        // Then
        assertEquals(List.of("CN", "SG", "US"), command.getAllowedRegions());
        assertEquals(MitigationMode.ENFORCE, command.getMode());
    }

    @Test
    void shouldHoldACommandForAHumanWhenItsBlastRadiusIsTooLarge() {
        // Given an endpoint throttle that would refuse 80% of the endpoint's traffic
        MitigationCandidate throttle = Candidates.of("endpoint-surge", MitigationAction.THROTTLE, MitigationScope.ENDPOINT,
            "POST /api/v1/auth/login", null, 20.0, T0, TTL_MS, "spread-out attack", Map.of());
        throttle.setBlastRadius(0.8);

        // When
        MitigationPolicy.Decision decision = policy.onCandidate(null, throttle, T0, WALL);

        // Then
        assertEquals(MitigationMode.DRY_RUN, decision.command().getMode());
        assertEquals(MitigationPolicy.BLAST_RADIUS, decision.anomaly().getDisposition());
        assertEquals(0.8, decision.anomaly().getEvidence().get("blastRadius"), 1e-9);
        assertTrue(decision.command().getReason().startsWith("BLAST_RADIUS"), decision.command().getReason());
    }

    @Test
    void shouldReportAFlashCrowdOnceAndIssueNoCommand() {
        // Given
        MitigationCandidate crowd = Candidates.of("flash-crowd", MitigationAction.UNKNOWN, MitigationScope.ENDPOINT,
            "POST /api/v1/auth/register", null, null, T0, TTL_MS, "flash crowd", Map.of());
        crowd.setVerdict("flash-crowd");

        // When
        MitigationPolicy.Decision first = policy.onCandidate(null, crowd, T0, WALL);
        MitigationPolicy.Decision second = policy.onCandidate(first.state(), crowd, T0 + 1_000, WALL);
        MitigationPolicy.Decision over = policy.onTick(second.state(), T0 + 1_000 + LIFT_AFTER_MS, WALL);

        // Then
        assertNull(first.command());
        assertEquals("flash-crowd", first.anomaly().getVerdict());
        assertEquals(MitigationPolicy.OBSERVED, first.anomaly().getDisposition());
        assertNull(second.anomaly());
        assertNull(over.state(), "forgotten without a LIFT");
        assertNull(over.command());
        assertEquals("observation:endpoint:POST /api/v1/auth/register", MitigationPolicy.stateKey(crowd));
    }

    @Test
    void shouldDeriveTheSameCommandIdWhenTargetActionAndDetectionTimeAreTheSame() {
        // Given
        MitigationCandidate throttle = candidate(MitigationAction.THROTTLE, 20.0);

        // When
        String first = policy.onCandidate(null, throttle, T0, WALL).command().getCommandId();
        String replayed = policy.onCandidate(null, throttle, T0, WALL + 3_600_000).command().getCommandId();
        String later = policy.onCandidate(null, candidate(MitigationAction.THROTTLE, 20.0, T0 + 1), T0 + 1, WALL).command()
            .getCommandId();

        // Then
        assertEquals(first, replayed, "wall-clock time does not change the id, so a replay yields the same ids");
        assertEquals(first, policy.onCandidate(null, throttle, T0 + 5_000, WALL).command().getCommandId(),
            "the id follows the rule's detection time, not the planner's stream time");
        assertEquals(MitigationPolicy.commandId(KEY, MitigationAction.THROTTLE, T0), first);
        assertNotEquals(first, later);
    }

    @Test
    void shouldNameTheAutonomousSystemWhenADatabaseHoldsTheSourcesAddress() throws Exception {
        // Given
        AsnDatabase asns = AsnDatabase.open("mitigation.asn.database",
            Path.of(getClass().getResource("/asn/ip2asn-sample.tsv").toURI()).toString());
        MitigationPolicy naming = new MitigationPolicy(settings(Set.of(), Allowlist.parse(List.of())), asns);
        MitigationCandidate prefix = Candidates.of("endpoint-attack", MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX,
            "198.18.4.0/24", null, null, T0, TTL_MS, "prefix flooded the route", Map.of("requests", 300.0));
        MitigationCandidate unknown = Candidates.of("source-rate-limit", MitigationAction.BLOCK, MitigationScope.SOURCE_IP,
            "192.0.2.1", null, null, T0, TTL_MS, "source sent too many requests", Map.of("requests", 300.0));

        // When
        MitigationCommand named = naming.onCandidate(null, prefix, T0, WALL).command();
        MitigationCommand unnamed = naming.onCandidate(null, unknown, T0, WALL).command();

        // Then
        assertEquals("prefix flooded the route [AS64501 EXAMPLE-BENCHMARK-CARRIER]", named.getReason());
        assertEquals(64501.0, named.getEvidence().get("asn"));
        assertEquals("source sent too many requests", unnamed.getReason(), "an address in no range gets no AS");
        assertNull(unnamed.getEvidence().get("asn"));
    }

    private static MitigationPolicy.Settings settings(Set<String> dryRunRules, Allowlist allowlist) {
        return new MitigationPolicy.Settings(LIFT_AFTER_MS, dryRunRules, allowlist, 0.2, MEMORY_MS, 86_400_000L);
    }

    private static MitigationCandidate candidate(MitigationAction action, Double rateLimit) {
        return candidate(action, rateLimit, T0);
    }

    private static MitigationCandidate candidate(MitigationAction action, Double rateLimit, long detectedAt) {
        return Candidates.of("source-rate-limit", action, MitigationScope.SOURCE_IP, IP, null, rateLimit, detectedAt, TTL_MS,
            "source sent too many requests", Map.of("requests", 300.0));
    }
}

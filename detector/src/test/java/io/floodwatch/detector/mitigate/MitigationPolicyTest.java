package io.floodwatch.detector.mitigate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

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

class MitigationPolicyTest {

    private static final long T0 = 1_737_936_000_000L;
    private static final long WALL = 1_800_000_000_000L;
    private static final long TTL_MS = 600_000L;
    private static final long LIFT_AFTER_MS = 30_000L;
    private static final String IP = "203.0.113.7";
    private static final String KEY = "ip:" + IP;

    private final MitigationPolicy policy = new MitigationPolicy(LIFT_AFTER_MS);

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
        assertEquals(MitigationPolicy.ATTACK, decision.anomaly().getVerdict());
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
        Optional<MitigationCommand> tooSoon = policy.liftIfQuiet(state, T0 + LIFT_AFTER_MS - 1, WALL);
        Optional<MitigationCommand> lift = policy.liftIfQuiet(state, T0 + LIFT_AFTER_MS, WALL + 5);

        // Then
        assertTrue(tooSoon.isEmpty(), tooSoon.toString());
        MitigationCommand command = lift.orElseThrow();
        assertEquals(MitigationAction.LIFT, command.getAction());
        assertEquals(IP, command.getTarget());
        assertEquals(MitigationScope.SOURCE_IP, command.getScope());
        assertNull(command.getRateLimitPerSecond());
        assertEquals(T0 + LIFT_AFTER_MS, command.getDetectedAt());
        assertEquals(T0 + LIFT_AFTER_MS, command.getExpiresAt());
        assertTrue(command.getReason().contains(state.getCommand().getCommandId()), command.getReason());
        assertEquals(command.getCommandId(),
            policy.liftIfQuiet(state, T0 + LIFT_AFTER_MS, WALL + 99).orElseThrow().getCommandId());
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

    private static MitigationCandidate candidate(MitigationAction action, Double rateLimit) {
        return candidate(action, rateLimit, T0);
    }

    private static MitigationCandidate candidate(MitigationAction action, Double rateLimit, long detectedAt) {
        return Candidates.of("source-rate-limit", action, MitigationScope.SOURCE_IP, IP, null, rateLimit, detectedAt, TTL_MS,
            "source sent too many requests", Map.of("requests", 300.0));
    }
}

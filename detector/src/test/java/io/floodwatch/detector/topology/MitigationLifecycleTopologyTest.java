package io.floodwatch.detector.topology;

import static io.floodwatch.testing.Events.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.testing.DetectorDriver;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.Traffic;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.RequestEvent;

class MitigationLifecycleTopologyTest {

    private static final String ATTACKER = "203.0.113.66";

    @TempDir
    Path stateDir;

    private DetectorDriver driver;

    @BeforeEach
    void setUp() {
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0,
            FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 1000.0, FloodwatchConfig.LIFT_AFTER_CONFIG, 20_000L,
            FloodwatchConfig.SOURCE_TTL_CONFIG, 600_000L));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldIssueOneCommandWhenTheConditionPersistsWithoutChange() {
        // Given
        List<RequestEvent> steadyAttack = attack(T0, 60);

        // When
        driver.send(steadyAttack);

        // Then
        List<MitigationCommand> commands = DetectionTopologyTest.forKey(driver.commands(), ATTACKER);
        assertEquals(1, commands.size(), "one THROTTLE for a minute of the same attack: " + commands);
        assertEquals(MitigationAction.THROTTLE, commands.get(0).getAction());
    }

    @Test
    void shouldLiftTheCommandWhenTheConditionIsOver() {
        // Given
        driver.send(attack(T0, 20));
        MitigationCommand throttle = DetectionTopologyTest.forKey(driver.commands(), ATTACKER).get(0);

        // When
        driver.send(Traffic.gets(T0 + 20_000, 40, 1, "/api/v1/models"));

        // Then
        List<MitigationCommand> after = DetectionTopologyTest.forKey(driver.commands(), ATTACKER);
        assertEquals(1, after.size(), "exactly one LIFT: " + after);
        MitigationCommand lift = after.get(0);
        assertEquals(MitigationAction.LIFT, lift.getAction());
        assertEquals(throttle.getScope(), lift.getScope());
        assertTrue(lift.getReason().contains(throttle.getCommandId()));
        assertTrue(lift.getDetectedAt() >= T0 + 20_000 + 20_000 - 10_000,
            "lifted once quiet for the configured 20 s since the last sighting: " + lift);
    }

    @Test
    void shouldLiftFirstThenBlockWhenTheSourceAttacksAgainAfterItsQuietPeriod() {
        // Given a source throttled for 20 s of attack
        driver.send(attack(T0, 20));
        MitigationCommand throttle = DetectionTopologyTest.forKey(driver.commands(), ATTACKER).get(0);

        // When it comes back a minute later, with nothing in between to move the event time on
        driver.send(attack(T0 + 80_000, 20));

        // Then the THROTTLE is lifted at the end of its quiet period, before the second offence is answered with a
        // BLOCK: a backlog and live traffic give the same commands, in the same order
        List<MitigationCommand> after = DetectionTopologyTest.forKey(driver.commands(), ATTACKER);
        assertEquals(List.of(MitigationAction.LIFT, MitigationAction.BLOCK), after.stream().map(MitigationCommand::getAction).toList(),
            after.toString());
        assertTrue(after.get(0).getReason().contains(throttle.getCommandId()));
        assertTrue(after.get(0).getDetectedAt() < T0 + 80_000, "lifted when its quiet period ended: " + after.get(0));
        assertTrue(after.get(1).getDetectedAt() >= T0 + 80_000, "blocked for the second attack: " + after.get(1));
    }

    @Test
    void shouldRefreshBeforeExpiryWhenTheAttackOutlivesHalfTheCommandLifetime() {
        // Given
        driver.close();
        driver = new DetectorDriver(stateDir.resolve("short-ttl"), Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0,
            FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 1000.0, FloodwatchConfig.SOURCE_TTL_CONFIG, 20_000L));

        // When
        driver.send(attack(T0, 35));

        // Then
        List<MitigationCommand> commands = DetectionTopologyTest.forKey(driver.commands(), ATTACKER);
        assertTrue(commands.size() >= 2, "re-issued with a later expiry: " + commands);
        assertEquals(commands.get(0).getCommandId(), commands.get(1).getCommandId());
        assertTrue(commands.get(1).getExpiresAt() > commands.get(0).getExpiresAt());
        assertTrue(commands.get(1).getExpiresAt() > T0 + 35_000 - 1_000, "still in force at the end of the attack");
    }

    private static List<RequestEvent> attack(long start, int seconds) {
        List<RequestEvent> events = new ArrayList<>();
        for (int i = 0; i < seconds * 10; i++) {
            events.add(Events.get(start + i * 100L, ATTACKER, "/api/v1/models"));
        }
        return events;
    }
}

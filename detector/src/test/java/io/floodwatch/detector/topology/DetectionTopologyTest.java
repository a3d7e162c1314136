package io.floodwatch.detector.topology;

import static io.floodwatch.testing.Events.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.testing.DetectorDriver;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.Traffic;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;

class DetectionTopologyTest {

    private static final Map<String, Object> FAST_BASELINE = Map.of(
        FloodwatchConfig.WINDOW_GRACE_CONFIG, 10_000L,
        FloodwatchConfig.BASELINE_MIN_WINDOWS_CONFIG, 3,
        FloodwatchConfig.BASELINE_WARMUP_CONFIG, 30_000L,
        FloodwatchConfig.ENDPOINT_MIN_REQUESTS_CONFIG, 50L,
        FloodwatchConfig.REGISTRATION_MIN_REQUESTS_CONFIG, 20L);

    @TempDir
    Path stateDir;

    private DetectorDriver driver;

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldThrottleThenBlockSourceWhenItsRateExceedsEachLimit() {
        // Given
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0,
            FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 20.0));
        List<RequestEvent> burst = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            burst.add(Events.get(T0 + i * 30L, "203.0.113.66", "/api/v1/models"));
        }

        // When
        driver.send(burst);

        // Then
        List<MitigationCommand> commands = forKey(driver.commands(), "203.0.113.66");
        assertEquals(2, commands.size(), "throttle, then an upgrade to block: " + commands);
        MitigationCommand throttle = commands.get(0);
        assertEquals(MitigationAction.THROTTLE, throttle.getAction());
        assertEquals(MitigationScope.SOURCE_IP, throttle.getScope());
        assertEquals(5.0, throttle.getRateLimitPerSecond());
        assertEquals(MitigationMode.ENFORCE, throttle.getMode());
        assertTrue(throttle.getExpiresAt() > throttle.getDetectedAt());
        assertTrue(throttle.getReason().contains("throttle limit"));
        assertEquals(MitigationAction.BLOCK, commands.get(1).getAction());
    }

    @Test
    void shouldBlockThePrefixWhenManyAddressesOfOnePrefixTogetherExceedItsLimit() {
        // Given
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 50.0,
            FloodwatchConfig.IP_BLOCK_RATE_CONFIG, 100.0, FloodwatchConfig.PREFIX_THROTTLE_RATE_CONFIG, 10.0,
            FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG, 20.0));
        List<RequestEvent> spread = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            spread.add(Events.get(T0 + i * 20L, "198.51.100." + (i % 250 + 1), "/api/v1/chat/completions"));
        }

        // When
        driver.send(spread);

        // Then
        List<MitigationCommand> commands = driver.commands();
        assertTrue(commands.stream().noneMatch(c -> c.getScope() == MitigationScope.SOURCE_IP), "no single address is over: " + commands);
        MitigationCommand last = commands.get(commands.size() - 1);
        assertEquals(MitigationScope.SOURCE_PREFIX, last.getScope());
        assertEquals("198.51.100.0/24", last.getTarget());
        assertEquals(MitigationAction.BLOCK, last.getAction());
    }

    @Test
    void shouldBlockTheHeavyPrefixesWhenAScriptedFailingSurgeHitsAnEndpoint() {
        // Given a minute of people using the endpoint
        driver = new DetectorDriver(stateDir, FAST_BASELINE);
        driver.send(Traffic.gets(T0, 60, 2, "/api/v1/chat/completions"));

        // When a script floods it from two /24 prefixes, every request failing
        driver.send(Traffic.merge(Traffic.gets(T0 + 60_000, 10, 2, "/api/v1/chat/completions"),
            Traffic.botnet(T0 + 60_000, 10, 40, "GET", "/api/v1/chat/completions", "198.18.", 401)));

        // Then both prefixes are blocked, and nothing broader: not the endpoint, not the prefix of the usual users
        List<MitigationCommand> commands = driver.commands();
        assertEquals(List.of("198.18.0.0/24", "198.18.1.0/24"), commands.stream().map(MitigationCommand::getTarget).sorted().toList(),
            commands.toString());
        for (MitigationCommand command : commands) {
            assertEquals(MitigationAction.BLOCK, command.getAction());
            assertEquals(MitigationScope.SOURCE_PREFIX, command.getScope());
            assertEquals(MitigationMode.ENFORCE, command.getMode());
            assertTrue(command.getDetectedAt() >= T0 + 60_000 && command.getDetectedAt() < T0 + 70_000);
        }
        List<JsonNode> anomalies = driver.anomalies();
        assertTrue(anomalies.stream().allMatch(a -> a.get("verdict").asText().equals("attack")), anomalies.toString());
    }

    @Test
    void shouldOnlyReportAFlashCrowdWhenPeopleSurgeOnAnEndpoint() {
        // Given
        driver = new DetectorDriver(stateDir, FAST_BASELINE);
        driver.send(Traffic.gets(T0, 60, 2, "/api/v1/chat/completions"));

        // When browsers from many addresses arrive at twenty times the usual rate
        driver.send(Traffic.gets(T0 + 60_000, 10, 40, "/api/v1/chat/completions"));

        // Then
        assertTrue(driver.commands().isEmpty(), "a flash crowd is never acted on");
        List<JsonNode> anomalies = driver.anomalies();
        assertEquals(1, anomalies.size(), anomalies.toString());
        assertEquals("flash-crowd", anomalies.get(0).get("verdict").asText());
        assertEquals("OBSERVED", anomalies.get(0).get("disposition").asText());
        assertTrue(anomalies.get(0).get("action").isNull());
    }

    @Test
    void shouldNotJudgeASurgeWhenTheRouteHasTooFewWindows() {
        // Given
        driver = new DetectorDriver(stateDir, FAST_BASELINE);
        driver.send(Traffic.gets(T0, 20, 2, "/api/v1/chat/completions"));

        // When
        driver.send(Traffic.gets(T0 + 20_000, 10, 40, "/api/v1/chat/completions"));

        // Then
        assertTrue(driver.commands().isEmpty(), "two completed windows are fewer than the three required");
        assertTrue(driver.anomalies().isEmpty());
    }

    @Test
    void shouldRestrictRegistrationToUsualRegionsAndLeaveLoginAloneWhenAScriptedSurgeComesFromElsewhere() {
        // Given
        driver = new DetectorDriver(stateDir, FAST_BASELINE);
        driver.send(Traffic.merge(
            Traffic.registrations(T0, 60, 2, "10.1.", "CN", "CN", "CN", "CN", "CN", "CN", "CN", "CN", "US", "US"),
            Traffic.logins(T0, 60, 5, "CN")));

        // When
        driver.send(Traffic.merge(
            Traffic.scripted(Traffic.registrations(T0 + 60_000, 10, 30, "198.18.", "BR", "IN", "VN")),
            Traffic.logins(T0 + 60_000, 10, 5, "CN")));

        // Then
        List<MitigationCommand> commands = driver.commands();
        List<MitigationCommand> onRegister = forKey(commands, "POST /api/v1/auth/register");
        assertEquals(1, onRegister.size(), commands.toString());
        MitigationCommand restrict = onRegister.get(0);
        assertEquals(MitigationAction.RESTRICT_REGISTRATION, restrict.getAction());
        assertEquals(List.of("CN", "US"), restrict.getAllowedRegions());
        assertNull(restrict.getRateLimitPerSecond());
        assertTrue(restrict.getEvidence().get("regionShiftShare") > 0.9);
        assertTrue(commands.stream().noneMatch(c -> c.getTarget().contains("login")), "login is never restricted: " + commands);
        assertTrue(commands.stream().allMatch(c -> c == restrict || c.getScope() == MitigationScope.SOURCE_PREFIX),
            "besides the restriction, only the flood's prefixes: " + commands);
    }

    @Test
    void shouldBlockTheFloodsPrefixesRatherThanRestrictWhenARegistrationAttackKeepsTheUsualRegionMix() {
        // Given
        driver = new DetectorDriver(stateDir, FAST_BASELINE);
        driver.send(Traffic.registrations(T0, 60, 2, "10.1.", "CN", "CN", "CN", "US"));

        // When
        driver.send(Traffic.failing(Traffic.scripted(Traffic.registrations(T0 + 60_000, 10, 30, "10.2.", "CN", "CN", "CN", "US")), 400));

        // Then
        List<MitigationCommand> commands = driver.commands();
        assertTrue(forKey(commands, "POST /api/v1/auth/register").isEmpty(), commands.toString());
        assertEquals(List.of("10.2.0.0/24", "10.2.1.0/24"), commands.stream().map(MitigationCommand::getTarget).sorted().toList());
    }

    static List<MitigationCommand> forKey(List<MitigationCommand> commands, String target) {
        return commands.stream().filter(c -> c.getTarget().equals(target)).toList();
    }

    static MitigationCommand only(List<MitigationCommand> commands, String target) {
        List<MitigationCommand> matching = forKey(commands, target);
        assertEquals(1, matching.size(), "exactly one command for " + target + ": " + commands);
        assertEquals(1, commands.size(), "no other command: " + commands);
        return matching.get(0);
    }
}

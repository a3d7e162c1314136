package io.floodwatch.detector.topology;

import static io.floodwatch.testing.Events.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rules.ControlStore;
import io.floodwatch.detector.testing.DetectorDriver;
import io.floodwatch.testing.Events;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.RequestEvent;

class ControlTopologyTest {

    private static final String SOURCE_RULE = "source-rate-limit";

    @TempDir
    Path stateDir;

    private DetectorDriver driver;

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldPublishDryRunCommandsWhenAnOperatorPutsTheRuleInDryRun() {
        // Given
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0));
        driver.control(SOURCE_RULE, "{\"mode\": \"DRY_RUN\"}");

        // When
        driver.send(flood("203.0.113.66", T0, 120));

        // Then
        List<MitigationCommand> commands = driver.commands();
        assertTrue(!commands.isEmpty() && commands.stream().allMatch(c -> c.getMode() == MitigationMode.DRY_RUN), commands.toString());
    }

    @Test
    void shouldApplyNewThresholdsWhenAnOperatorChangesThem() {
        // Given a throttle limit of 5/s, raised to 50/s at run time
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0));
        driver.control(SOURCE_RULE, "{\"settings\": {\"rule.source.ip.throttle.per.second\": 50}}");

        // When a source sends 12/s
        driver.send(flood("203.0.113.66", T0, 120));

        // Then
        assertTrue(driver.commands().isEmpty(), "12/s is under the new limit");
    }

    @Test
    void shouldKeepTheRulesInForceAndRecordWhyWhenAChangeIsInvalid() {
        // Given a valid change, then an invalid one for the same rule
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0));
        driver.control(SOURCE_RULE, "{\"mode\": \"DRY_RUN\"}");

        // When
        driver.control(SOURCE_RULE, "{\"settings\": {\"rule.source.ip.block.per.second\": 1}}");
        driver.send(flood("203.0.113.66", T0, 120));

        // Then the DRY_RUN mode stays, and the store says why the change was refused
        List<MitigationCommand> commands = driver.commands();
        assertTrue(!commands.isEmpty() && commands.stream().allMatch(c -> c.getMode() == MitigationMode.DRY_RUN), commands.toString());
        assertEquals(MitigationAction.THROTTLE, commands.get(0).getAction(), "the block limit stayed at its default");
        Map<String, String> store = driver.controlStore();
        assertEquals("{\"mode\": \"DRY_RUN\"}", store.get(SOURCE_RULE));
        String rejection = store.get(ControlStore.REJECTED + SOURCE_RULE);
        assertTrue(rejection.contains("rule.source.ip.block.per.second"), rejection);
    }

    @Test
    void shouldReturnToTheConfiguredRuleWhenTheChangeIsDeleted() {
        // Given
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, 5.0));
        driver.control(SOURCE_RULE, "{\"mode\": \"DRY_RUN\"}");

        // When
        driver.control(SOURCE_RULE, null);
        driver.send(flood("203.0.113.66", T0, 120));

        // Then
        List<MitigationCommand> commands = driver.commands();
        assertEquals(MitigationMode.ENFORCE, commands.get(0).getMode());
        assertTrue(driver.controlStore().isEmpty());
    }

    private static List<RequestEvent> flood(String ip, long start, int requests) {
        List<RequestEvent> events = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            events.add(Events.get(start + i * 80L, ip, "/api/v1/models"));
        }
        return events;
    }
}

package io.floodwatch.detector.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.floodwatch.detector.config.FloodwatchConfig;

class RuleBookTest {

    private final RuleBook startup = RuleBook.of(new FloodwatchConfig(Map.of(FloodwatchConfig.DRY_RUN_RULES_CONFIG, "endpoint-surge")));

    @Test
    void shouldApplyModeAndSettingsWhenTheChangeIsValid() {
        // Given / When
        RuleBook.Outcome outcome = startup.apply("source-rate-limit",
            "{\"mode\": \"dry_run\", \"settings\": {\"rule.source.ip.throttle.per.second\": 50, \"rule.source.ip.block.per.second\": \"500\"}}");
        RuleBook.Outcome enforce = outcome.book().apply("endpoint-surge", "{\"mode\": \"ENFORCE\"}");

        // Then
        assertTrue(outcome.accepted(), outcome.rejection());
        assertEquals(50.0, outcome.book().config().getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG));
        assertEquals(500.0, outcome.book().config().getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG));
        assertEquals(Set.of("endpoint-surge", "source-rate-limit"), dryRun(outcome.book()));
        assertEquals(Set.of("source-rate-limit"), dryRun(enforce.book()));
        assertEquals(2, enforce.book().version());
    }

    @Test
    void shouldRejectWithAReasonAndKeepTheBookWhenTheChangeIsInvalid() {
        // Given
        Map<String, String> invalid = Map.of(
            "no-such-rule", "{}",
            "source-rate-limit", "{\"settings\": {\"rule.endpoint.surge.factor\": 3}}",
            "source-failures", "{\"settings\": {\"rule.source.failure.ratio\": 2}}",
            "endpoint-attack", "{\"mode\": \"SOMETIMES\"}",
            "mitigation", "{\"settings\": {\"mitigation.allowlist\": [\"10.0.0.0/8\", \"not-an-address\"]}}",
            "endpoint-overload", "not json");

        for (Map.Entry<String, String> change : invalid.entrySet()) {
            // When
            RuleBook.Outcome outcome = startup.apply(change.getKey(), change.getValue());

            // Then
            assertFalse(outcome.accepted(), change.toString());
            assertSame(startup, outcome.book());
            assertFalse(outcome.rejection().isBlank());
            assertFalse(outcome.rejection().contains("\n"), "one line: " + outcome.rejection());
        }
        assertTrue(startup.apply("source-rate-limit", "{\"settings\": {\"rule.endpoint.surge.factor\": 3}}").rejection()
            .contains("has no setting 'rule.endpoint.surge.factor'"));
        assertTrue(startup.apply("source-failures", "{\"settings\": {\"rule.source.failure.ratio\": 2}}").rejection()
            .contains("rule.source.failure.ratio"));
        assertTrue(startup.apply("mitigation", "{\"settings\": {\"mitigation.allowlist\": [\"not-an-address\"]}}").rejection()
            .contains("'not-an-address'"));
    }

    @Test
    void shouldAcceptAnAllowlistAsAListWhenEveryEntryParses() {
        // Given / When
        RuleBook.Outcome outcome = startup.apply("mitigation",
            "{\"settings\": {\"mitigation.allowlist\": [\"203.0.113.7\", \"region:CN\"], \"mitigation.blast.radius.max\": 0.05}}");

        // Then
        assertTrue(outcome.accepted(), outcome.rejection());
        assertEquals(List.of("203.0.113.7", "region:CN"), outcome.book().config().getList(FloodwatchConfig.ALLOWLIST_CONFIG));
        assertEquals(0.05, outcome.book().config().getDouble(FloodwatchConfig.BLAST_RADIUS_CONFIG));
    }

    private static Set<String> dryRun(RuleBook book) {
        return Set.copyOf(book.config().getList(FloodwatchConfig.DRY_RUN_RULES_CONFIG));
    }

    @Test
    void shouldReturnToTheStartupValueWhenTheChangeIsDeleted() {
        // Given
        RuleBook changed = startup.apply("source-rate-limit", "{\"settings\": {\"rule.source.ip.throttle.per.second\": 50}}").book();

        // When
        RuleBook.Outcome deleted = changed.apply("source-rate-limit", null);

        // Then
        assertTrue(deleted.accepted());
        assertEquals(20.0, deleted.book().config().getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG));
        assertEquals(0, changed.apply("source-rate-limit", "{}").book().config().originals().size()
            - deleted.book().config().originals().size(), "nothing but the start-up values and the dry-run list");
    }
}

package io.floodwatch.detector.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.detector.config.FloodwatchConfig;

/**
 * Coverage-guided fuzzing (Jazzer) of {@code detector-control} values: any key and value give an accepted change
 * or a rejection with a reason, never an exception, and a rejected change leaves the rules as they were.
 */
class ControlValueFuzzTest {

    private static final RuleBook STARTUP = RuleBook.of(new FloodwatchConfig(Map.of()));
    private static final List<String> RULES = List.copyOf(RuleBook.RULE_SETTINGS.keySet());

    @FuzzTest(maxDuration = "8s")
    void shouldAcceptOrRejectWhenAControlValueIsArbitrary(FuzzedDataProvider data) {
        String ruleId = data.consumeBoolean() ? data.pickValue(RULES) : data.consumeString(40);
        String json = data.consumeBoolean() ? null : data.consumeRemainingAsString();
        RuleBook.Outcome outcome = STARTUP.apply(ruleId, json);
        assertNotNull(outcome.book());
        if (!outcome.accepted()) {
            assertNotNull(outcome.rejection());
            assertEquals(STARTUP.version(), outcome.book().version(), "a rejected change leaves the rules as they were");
        }
    }
}

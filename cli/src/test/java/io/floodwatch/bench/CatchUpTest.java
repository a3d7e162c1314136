package io.floodwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.floodwatch.evaluate.TrafficSource;
import io.floodwatch.producers.sim.LabelledEvent;
import io.floodwatch.producers.sim.ScenarioOptions;

class CatchUpTest {

    private static final long START = 1_764_000_000_000L;
    private static final long MINUTE = 60_000;

    @Test
    void shouldMergeTheScenarioAndTheBackgroundInEventTimeOrderKeepingEveryAttackEvent() {
        // Given
        ScenarioOptions options = ScenarioOptions.scaled(42, START, MINUTE, 50, 300);
        TrafficSource scenario = TrafficSource.scenario("scraper", options);
        long scenarioEvents = count(scenario.open());
        long attackEvents = attacks(scenario.open());

        // When
        TrafficSource backlog = CatchUp.withBackground(scenario, START, START + MINUTE, 1_000, 10_000);
        List<LabelledEvent> events = new ArrayList<>();
        backlog.open().forEachRemaining(events::add);

        // Then
        assertEquals(scenarioEvents + 60_000, events.size());
        assertEquals(attackEvents, attacks(events.iterator()));
        assertTrue(attackEvents > 0);
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i - 1).event().getTimestamp() <= events.get(i).event().getTimestamp(), "event " + i + " out of order");
        }
        assertEquals(60_000, events.stream().filter(e -> e.actor().equals("background")).count());
    }

    private static long count(Iterator<LabelledEvent> events) {
        long n = 0;
        while (events.hasNext()) {
            events.next();
            n++;
        }
        return n;
    }

    private static long attacks(Iterator<LabelledEvent> events) {
        long n = 0;
        while (events.hasNext()) {
            n += events.next().attack() ? 1 : 0;
        }
        return n;
    }
}

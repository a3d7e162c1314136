package io.floodwatch.detector.topology;

import static io.floodwatch.testing.Events.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.testing.DetectorDriver;
import io.floodwatch.testing.Events;
import io.floodwatch.schema.RequestEvent;

class EndpointRatesTopologyTest {

    @TempDir
    Path stateDir;

    private DetectorDriver driver;

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldAggregateRequestsErrorsSourcesAndRegionsWhenEventsShareAWindow() {
        // Given
        driver = new DetectorDriver(stateDir, Map.of());

        // When
        driver.send(
            Events.event(T0 + 100, "203.0.113.1", "GET", "/api/v1/users/42", 200, "CN"),
            Events.event(T0 + 200, "203.0.113.2", "GET", "/api/v1/users/7?x=1", 404, "US"),
            Events.event(T0 + 300, "203.0.113.2", "GET", "/api/v1/users/9f1c2a3b-0000-4000-8000-123456789abc", 503, "cn"),
            Events.event(T0 + 400, "2001:db8::5", "GET", "/api/v1/users/deadbeef01", 200, null));

        // Then
        JsonNode last = lastFor(driver.endpointRates(), "GET /api/v1/users/{id}");
        assertEquals(4, last.get("requests").asLong());
        assertEquals(1, last.get("clientErrors").asLong());
        assertEquals(1, last.get("serverErrors").asLong());
        assertEquals(3, last.get("distinctSources").asLong());
        assertEquals(2, last.get("regionCounts").get("CN").asLong());
        assertEquals(1, last.get("regionCounts").get("US").asLong());
        assertEquals(1, last.get("regionCounts").get("ZZ").asLong());
        assertEquals(T0, last.get("windowStart").asLong());
        assertEquals(T0 + 10_000, last.get("windowEnd").asLong());
        assertTrue(!last.has("sourcesSketch"), "binary sketches stay out of the dashboard JSON");
    }

    @Test
    void shouldStartANewWindowWhenEventTimeCrossesTheBoundary() {
        // Given
        driver = new DetectorDriver(stateDir, Map.of());

        // When
        driver.send(Events.get(T0 + 9_999, "203.0.113.1", "/a"), Events.get(T0 + 10_000, "203.0.113.1", "/a"),
            Events.get(T0 + 10_001, "203.0.113.1", "/a"));

        // Then
        List<JsonNode> rates = driver.endpointRates();
        assertEquals(1, rates.stream().filter(r -> r.get("windowStart").asLong() == T0)
            .mapToLong(r -> r.get("requests").asLong()).max().orElse(0));
        assertEquals(2, rates.stream().filter(r -> r.get("windowStart").asLong() == T0 + 10_000)
            .mapToLong(r -> r.get("requests").asLong()).max().orElse(0));
    }

    @Test
    void shouldBoundDistinctRoutesWhenAnAttackerRequestsRandomPaths() {
        // Given
        driver = new DetectorDriver(stateDir, Map.of(FloodwatchConfig.ROUTES_MAX_CONFIG, 10));
        List<RequestEvent> probes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            probes.add(Events.get(T0 + i, "198.51.100.9", "/probe-" + (char) ('a' + i % 26) + (char) ('a' + i / 26)));
        }

        // When
        driver.send(probes);

        // Then
        List<JsonNode> rates = driver.endpointRates();
        Set<String> routes = rates.stream().map(r -> r.get("route").asText()).collect(Collectors.toSet());
        assertEquals(11, routes.size(), "10 routes plus the overflow route: " + routes);
        assertTrue(routes.contains("GET /{other}"));
        assertEquals(190, lastFor(rates, "GET /{other}").get("requests").asLong());
    }

    static JsonNode lastFor(List<JsonNode> rates, String route) {
        JsonNode last = null;
        for (JsonNode rate : rates) {
            if (rate.get("route").asText().equals(route)) {
                last = rate;
            }
        }
        if (last == null) {
            throw new AssertionError("no rate for " + route + " in " + rates);
        }
        return last;
    }
}

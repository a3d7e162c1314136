package io.floodwatch.detector.ingest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.detector.rates.Route;
import io.floodwatch.detector.rates.RouteNormalizer;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.RequestEventJson;
import io.floodwatch.schema.target.RoutePaths;

/**
 * Coverage-guided fuzzing (Jazzer) of what a JSON request event goes through before it is counted: decoding,
 * validation and route normalisation. An event is rejected with an {@link InvalidEventException} or counted under a
 * route, and the number of distinct routes stays within its cap whatever the paths.
 */
class RequestInputFuzzTest {

    private static final int MAX_ROUTES = 64;
    private static final RequestValidator VALIDATOR = new RequestValidator(60_000, 3_600_000);
    private static final RouteNormalizer ROUTES = new RouteNormalizer(MAX_ROUTES);

    @FuzzTest(maxDuration = "8s")
    void shouldCountOrRejectWhenAJsonEventIsArbitrary(FuzzedDataProvider data) {
        long now = 1_737_936_000_000L;
        byte[] line = data.consumeRemainingAsBytes();
        RequestEvent event;
        try {
            event = RequestEventJson.parse(line);
            VALIDATOR.validate(event, now, now);
        } catch (InvalidEventException rejected) {
            assertNotNull(rejected.getMessage());
            return;
        }
        Route route = ROUTES.route(event.getMethod(), event.getPath(), now);
        assertNotNull(route);
        assertTrue(ROUTES.size() <= MAX_ROUTES + RoutePaths.METHOD_NAMES, "routes stay within the cap: " + ROUTES.size());
    }
}

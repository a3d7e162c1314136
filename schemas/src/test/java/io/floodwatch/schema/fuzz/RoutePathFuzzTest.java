package io.floodwatch.schema.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.schema.target.RoutePaths;

/**
 * Coverage-guided fuzzing (Jazzer) of route normalisation: each input gives a valid result or the parser's own
 * rejection, never another exception. {@code mvn test} replays the corpus kept in
 * {@code src/test/resources/io/floodwatch/schema/fuzz/RoutePathFuzzTestInputs/}; {@code .ci/fuzz} fuzzes it for a bounded time.
 */
class RoutePathFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void shouldNameABoundedRouteWhenAMethodAndPathAreArbitrary(FuzzedDataProvider data) {
        String method = data.consumeString(32);
        String path = data.consumeRemainingAsString();
        String route = RoutePaths.route(method, path);
        assertNotNull(route);
        String template = RoutePaths.template(path);
        assertTrue(template.chars().filter(c -> c == '/').count() <= RoutePaths.MAX_SEGMENTS + 1, template);
        assertEquals(template, RoutePaths.template(template), "a route template is its own template");
    }
}

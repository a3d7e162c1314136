package io.floodwatch.schema.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.RequestEventJson;

/**
 * Coverage-guided fuzzing (Jazzer) of the JSON request event decoder: each input gives a valid result or the parser's own
 * rejection, never another exception. {@code mvn test} replays the corpus kept in
 * {@code src/test/resources/io/floodwatch/schema/fuzz/JsonEventFuzzTestInputs/}; {@code .ci/fuzz} fuzzes it for a bounded time.
 */
class JsonEventFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void shouldDecodeOrRejectWhenAJsonEventIsArbitraryBytes(byte[] input) {
        try {
            RequestEvent event = RequestEventJson.parse(input);
            assertNotNull(event.getSourceIp());
            assertNotNull(event.getPath());
        } catch (InvalidEventException rejected) {
            assertNotNull(rejected.getMessage());
        }
    }
}

package io.floodwatch.schema.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.CombinedLogFormat;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.target.IpAddress;

/**
 * Coverage-guided fuzzing (Jazzer) of the Apache/nginx combined access-log parser: each input gives a valid result or the parser's own
 * rejection, never another exception. {@code mvn test} replays the corpus kept in
 * {@code src/test/resources/io/floodwatch/schema/fuzz/CombinedLogFuzzTestInputs/}; {@code .ci/fuzz} fuzzes it for a bounded time.
 */
class CombinedLogFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void shouldDecodeOrRejectWhenACombinedLogLineIsArbitraryText(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        try {
            RequestEvent event = CombinedLogFormat.parse(line);
            assertTrue(IpAddress.isValid(event.getSourceIp()), event.getSourceIp());
        } catch (InvalidEventException rejected) {
            assertNotNull(rejected.getMessage());
        }
    }
}

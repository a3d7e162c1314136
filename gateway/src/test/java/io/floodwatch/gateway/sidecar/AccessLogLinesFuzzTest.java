package io.floodwatch.gateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;

/**
 * Coverage-guided fuzzing (Jazzer) of the access-log line parser (nginx JSON lines and Envoy's JSON access log, with
 * any syslog prefix): a line gives a request event or an {@link InvalidEventException}, nothing else.
 */
class AccessLogLinesFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void shouldParseOrRejectWhenAnAccessLogLineIsArbitraryBytes(byte[] line) {
        try {
            RequestEvent event = AccessLogLines.parse(line, 0, line.length);
            assertNotNull(event.getSourceIp());
        } catch (InvalidEventException rejected) {
            assertNotNull(rejected.getMessage());
        }
    }
}

package io.floodwatch.schema.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.apache.kafka.common.errors.SerializationException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;

/**
 * Coverage-guided fuzzing (Jazzer) of the Avro single-object decoder of request events: each input gives a valid result or the parser's own
 * rejection, never another exception. {@code mvn test} replays the corpus kept in
 * {@code src/test/resources/io/floodwatch/schema/fuzz/AvroEventFuzzTestInputs/}; {@code .ci/fuzz} fuzzes it for a bounded time.
 */
class AvroEventFuzzTest {

    private static final AvroSerde<RequestEvent> AVRO = AvroSerde.of(RequestEvent.class);

    @FuzzTest(maxDuration = "8s")
    void shouldDecodeOrRejectWhenAnAvroSingleObjectIsArbitraryBytes(byte[] input) {
        try {
            RequestEvent event = AVRO.deserialize("requests", input);
            assertNotNull(event);
        } catch (SerializationException rejected) {
            assertNotNull(rejected.getMessage());
        }
    }
}

package io.floodwatch.detector.config;

import java.util.List;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.AvroSerde;
import io.floodwatch.schema.serde.PlainJson;
import io.floodwatch.schema.serde.RequestEventJson;

/**
 * The immutable registry of the detector's external topics, built from configuration.
 *
 * @param requests gateway events, Avro, keyed by source IP
 * @param requestsJson JSON lines events, any key
 * @param deadLetters rejected input with the reason in headers
 * @param endpointRates windowed per-endpoint aggregates, JSON
 * @param anomalies detections with evidence, JSON
 * @param mitigations commands, Avro, compacted, keyed by target
 * @param control rule and threshold changes, compacted
 */
public record Topics(
    Topic<String, RequestEvent> requests,
    Topic<byte[], RequestEvent> requestsJson,
    Topic<byte[], byte[]> deadLetters,
    Topic<String, EndpointRate> endpointRates,
    Topic<String, Anomaly> anomalies,
    Topic<String, MitigationCommand> mitigations,
    Topic<String, String> control) {

    /** The topics named in the configuration. */
    public static Topics from(FloodwatchConfig config) {
        return new Topics(
            new Topic<>(config.getString(FloodwatchConfig.TOPIC_REQUESTS_CONFIG), Serdes.String(), AvroSerde.of(RequestEvent.class)),
            new Topic<>(config.getString(FloodwatchConfig.TOPIC_REQUESTS_JSON_CONFIG), Serdes.ByteArray(),
                Serdes.serdeFrom(PlainJson.serializer(), new RequestEventJson())),
            new Topic<>(config.getString(FloodwatchConfig.TOPIC_REQUESTS_DLQ_CONFIG), Serdes.ByteArray(), Serdes.ByteArray()),
            new Topic<>(config.getString(FloodwatchConfig.TOPIC_ENDPOINT_RATES_CONFIG), Serdes.String(), jsonOnly()),
            new Topic<>(config.getString(FloodwatchConfig.TOPIC_ANOMALIES_CONFIG), Serdes.String(), jsonOnly()),
            new Topic<>(config.getString(FloodwatchConfig.TOPIC_MITIGATIONS_CONFIG), Serdes.String(), AvroSerde.of(MitigationCommand.class)),
            new Topic<>(config.getString(FloodwatchConfig.TOPIC_DETECTOR_CONTROL_CONFIG), Serdes.String(), Serdes.String()));
    }

    /** All external topic names. */
    public List<String> names() {
        return List.of(requests.name(), requestsJson.name(), deadLetters.name(), endpointRates.name(),
            anomalies.name(), mitigations.name(), control.name());
    }

    private static <T extends org.apache.avro.generic.IndexedRecord> Serde<T> jsonOnly() {
        Deserializer<T> unsupported = (topic, bytes) -> {
            throw new UnsupportedOperationException("topic " + topic + " is written as JSON for dashboards; read it as text");
        };
        return Serdes.serdeFrom(PlainJson.serializer(), unsupported);
    }
}

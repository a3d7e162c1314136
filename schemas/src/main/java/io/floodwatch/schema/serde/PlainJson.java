package io.floodwatch.schema.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes Avro records as plain JSON objects (field names as in the schema, unions unwrapped, enums as their
 * symbol, byte fields left out) for the topics dashboards read with kcat, Kafka UIs or Grafana, and for the
 * command-line tool. Avro's own JSON encoding wraps union values ({@code {"string": "x"}}), which no
 * dashboard expects.
 */
public final class PlainJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private PlainJson() {
    }

    /** The record as one line of JSON. */
    public static String toJson(IndexedRecord record) {
        return new String(toBytes(record), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The record as UTF-8 JSON bytes. */
    public static byte[] toBytes(IndexedRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writeValue(json, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A Kafka serializer producing {@link #toBytes(IndexedRecord)}. */
    public static <T extends IndexedRecord> Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : toBytes(record);
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof IndexedRecord record) {
            json.writeStartObject();
            for (Schema.Field field : record.getSchema().getFields()) {
                Object fieldValue = record.get(field.pos());
                if (fieldValue instanceof ByteBuffer) {
                    continue;
                }
                json.writeFieldName(field.name());
                writeValue(json, fieldValue);
            }
            json.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(json, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            json.writeStartArray();
            for (Object item : items) {
                writeValue(json, item);
            }
            json.writeEndArray();
        } else if (value instanceof Double d) {
            writeDouble(json, d);
        } else if (value instanceof Float f) {
            writeDouble(json, f.doubleValue());
        } else if (value instanceof Number number) {
            json.writeNumber(number.longValue());
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Enum<?> || value instanceof GenericContainer || value instanceof CharSequence) {
            json.writeString(value.toString());
        } else {
            json.writeString(String.valueOf(value));
        }
    }

    private static void writeDouble(JsonGenerator json, double value) throws IOException {
        if (Double.isFinite(value)) {
            json.writeNumber(Math.round(value * 1_000_000d) / 1_000_000d);
        } else {
            json.writeNull();
        }
    }
}

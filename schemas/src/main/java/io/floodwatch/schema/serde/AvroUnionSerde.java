package io.floodwatch.schema.serde;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for records of several generated Avro classes on one topic, in Avro single-object encoding: a record
 * is encoded with its own class's schema, and decoded into the class whose current or historical schema has the
 * fingerprint in the record's header. Used on internal topics that carry data and {@code StreamProgress} markers.
 */
public final class AvroUnionSerde implements Serde<SpecificRecord>, Serializer<SpecificRecord>, Deserializer<SpecificRecord> {

    private static final int HEADER = 10;

    private final Map<Class<?>, AvroSerde<? extends SpecificRecord>> byClass = new LinkedHashMap<>();
    private final Map<Long, AvroSerde<? extends SpecificRecord>> byFingerprint = new HashMap<>();

    private AvroUnionSerde(List<Class<? extends SpecificRecord>> types) {
        FloodwatchSchemas.trustGeneratedClasses();
        Map<String, AvroSerde<? extends SpecificRecord>> byName = new HashMap<>();
        for (Class<? extends SpecificRecord> type : types) {
            AvroSerde<? extends SpecificRecord> serde = AvroSerde.of(type);
            byClass.put(type, serde);
            byName.put(SpecificData.get().getSchema(type).getFullName(), serde);
        }
        for (Schema schema : FloodwatchSchemas.currentSchemas()) {
            register(schema, byName);
        }
        for (Schema schema : FloodwatchSchemas.historicalSchemas(FloodwatchSchemas.class.getClassLoader())) {
            register(schema, byName);
        }
    }

    /** A serde for records of any of the given generated classes. */
    @SafeVarargs
    public static AvroUnionSerde of(Class<? extends SpecificRecord>... types) {
        return new AvroUnionSerde(List.of(types));
    }

    private void register(Schema schema, Map<String, AvroSerde<? extends SpecificRecord>> byName) {
        AvroSerde<? extends SpecificRecord> serde = byName.get(schema.getFullName());
        if (serde != null) {
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), serde);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, SpecificRecord data) {
        if (data == null) {
            return null;
        }
        AvroSerde<SpecificRecord> serde = (AvroSerde<SpecificRecord>) byClass.get(data.getClass());
        if (serde == null) {
            throw new SerializationException("Cannot encode " + data.getClass().getSimpleName() + " on this topic: it takes "
                + byClass.keySet().stream().map(Class::getSimpleName).toList());
        }
        return serde.serialize(topic, data);
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER || data[0] != (byte) 0xC3 || data[1] != (byte) 0x01) {
            throw new SerializationException("Not Avro single-object encoded (no C3 01 marker)");
        }
        long fingerprint = 0;
        for (int i = HEADER - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (data[i] & 0xFF);
        }
        AvroSerde<? extends SpecificRecord> serde = byFingerprint.get(fingerprint);
        if (serde == null) {
            throw new SerializationException("Unknown schema fingerprint " + Long.toHexString(fingerprint) + "; this topic takes "
                + byClass.keySet().stream().map(Class::getSimpleName).toList());
        }
        return serde.deserialize(topic, data);
    }

    @Override
    public Serializer<SpecificRecord> serializer() {
        return this;
    }

    @Override
    public Deserializer<SpecificRecord> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schema store is built in
    }

    @Override
    public void close() {
        // stateless
    }
}

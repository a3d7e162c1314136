package io.floodwatch.detector.config;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic with its name and the serdes of its keys and values.
 *
 * @param name topic name
 * @param keySerde key serde
 * @param valueSerde value serde
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    /** Consumed with this topic's serdes, named {@code <name>-source}. */
    public Consumed<K, V> consumed() {
        return Consumed.with(keySerde, valueSerde).withName(name + "-source");
    }

    /** Produced with this topic's serdes, named {@code <name>-sink}. */
    public Produced<K, V> produced() {
        return Produced.with(keySerde, valueSerde).withName(name + "-sink");
    }
}

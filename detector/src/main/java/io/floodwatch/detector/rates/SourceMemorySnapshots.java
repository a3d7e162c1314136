package io.floodwatch.detector.rates;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Keeps a task's {@link SourceMemory} in a changelogged store, so that a restart or a moved task does not take every
 * source for new: the two Bloom filters are written in chunks of {@value #CHUNK_BYTES} bytes (each well under a Kafka
 * record's size limit) under {@code current/<n>} and {@code previous/<n>}, with the generation start under
 * {@code generation}, and read back when the task starts.
 */
final class SourceMemorySnapshots {

    /** Name of the store. */
    static final String STORE = "source-memory";

    static final int CHUNK_BYTES = 256 * 1024;
    private static final String GENERATION = "generation";

    private final KeyValueStore<String, byte[]> store;

    SourceMemorySnapshots(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    static StoreBuilder<KeyValueStore<String, byte[]>> builder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray());
    }

    /** Writes the memory. */
    void save(SourceMemory memory) {
        SourceMemory.Snapshot snapshot = memory.snapshot();
        store.put(GENERATION, ByteBuffer.allocate(Long.BYTES).putLong(snapshot.generationStart()).array());
        putChunks("current/", snapshot.current());
        putChunks("previous/", snapshot.previous());
    }

    /** Restores the memory from the store, if a snapshot is there. */
    void restore(SourceMemory memory) {
        byte[] generation = store.get(GENERATION);
        if (generation == null) {
            return;
        }
        byte[] current = chunks("current/");
        byte[] previous = chunks("previous/");
        if (current.length > 0 && previous.length > 0) {
            memory.restore(new SourceMemory.Snapshot(ByteBuffer.wrap(generation).getLong(), current, previous));
        }
    }

    private void putChunks(String prefix, byte[] bytes) {
        int n = 0;
        for (int offset = 0; offset < bytes.length; offset += CHUNK_BYTES, n++) {
            store.put(prefix + n, Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + CHUNK_BYTES)));
        }
        while (store.get(prefix + n) != null) {
            store.delete(prefix + n);
            n++;
        }
    }

    private byte[] chunks(String prefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = 0; ; n++) {
            byte[] chunk = store.get(prefix + n);
            if (chunk == null) {
                return out.toByteArray();
            }
            out.writeBytes(chunk);
        }
    }
}

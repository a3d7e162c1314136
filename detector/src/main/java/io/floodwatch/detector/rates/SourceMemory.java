package io.floodwatch.detector.rates;

import org.apache.datasketches.filters.bloomfilter.BloomFilter;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.memory.Memory;

/**
 * A compact memory of the sources a task has seen, to tell new sources from returning ones: two Bloom filters
 * (DataSketches), one per generation of {@code periodMs} of event time. A source is <em>returning</em> if the
 * previous generation saw it, that is between one and two periods ago; every source is recorded in the current
 * generation. With the default period of a day, "returning" means "seen yesterday", so an attack that has run for
 * an hour is still new, while the service's own users are not.
 *
 * <p>Error bound: each filter is sized for {@code capacity} sources at a false-positive probability of
 * {@code fpp} (about 9.6 bits per source at 1%), so a new source is taken for a returning one with probability at
 * most {@code fpp} while fewer than {@code capacity} distinct sources were seen in a period; past that the error
 * grows, memory does not. A returning source is never taken for a new one. Memory: two filters of
 * {@link BloomFilterBuilder#getSerializedFilterSizeByAccuracy} bytes each, whatever the traffic.
 */
public final class SourceMemory {

    private static final long SEED = 0x5eed_f100d_3a7cL;

    private final long periodMs;
    private BloomFilter current;
    private BloomFilter previous;
    private long generationStart = Long.MIN_VALUE;

    /**
     * @param periodMs length of a generation in event time
     * @param capacity distinct sources per generation at which the false-positive probability is {@code fpp}
     * @param fpp false-positive probability at capacity
     */
    public SourceMemory(long periodMs, long capacity, double fpp) {
        this.periodMs = periodMs;
        this.current = BloomFilterBuilder.createByAccuracy(capacity, fpp, SEED);
        this.previous = BloomFilterBuilder.createByAccuracy(capacity, fpp, SEED);
    }

    /** Records a source seen at an event time and answers whether it is returning (seen in the previous generation). */
    public boolean observe(long sourceHash, long timestamp) {
        if (generationStart == Long.MIN_VALUE) {
            generationStart = timestamp - Math.floorMod(timestamp, periodMs);
        } else if (timestamp >= generationStart + periodMs) {
            rotate(timestamp);
        }
        current.update(sourceHash);
        return previous.query(sourceHash);
    }

    /** The filters and the start of the current generation, for a snapshot. */
    public Snapshot snapshot() {
        return new Snapshot(generationStart, current.toByteArray(), previous.toByteArray());
    }

    /** Restores a snapshot taken by {@link #snapshot()}; one of another size or seed is ignored. */
    public void restore(Snapshot snapshot) {
        BloomFilter restoredCurrent = BloomFilter.heapify(Memory.wrap(snapshot.current()));
        BloomFilter restoredPrevious = BloomFilter.heapify(Memory.wrap(snapshot.previous()));
        if (!restoredCurrent.isCompatible(current) || !restoredPrevious.isCompatible(previous)) {
            return;
        }
        current = restoredCurrent;
        previous = restoredPrevious;
        generationStart = snapshot.generationStart();
    }

    private void rotate(long timestamp) {
        long start = timestamp - Math.floorMod(timestamp, periodMs);
        if (start - generationStart >= 2 * periodMs) {
            previous.reset();
        } else {
            BloomFilter swap = previous;
            previous = current;
            current = swap;
        }
        current.reset();
        generationStart = start;
    }

    /** A serialised memory: generation start and both filters. */
    public record Snapshot(long generationStart, byte[] current, byte[] previous) {
    }
}

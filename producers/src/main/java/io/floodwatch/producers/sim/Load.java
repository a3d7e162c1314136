package io.floodwatch.producers.sim;

/**
 * The service's load as the simulation unfolds: requests in the current second of event time against a capacity.
 * Legitimate actors use it to make status codes and latencies react to load (a flood slows everyone down).
 */
public final class Load {

    private final double capacityPerSecond;
    private long second = Long.MIN_VALUE;
    private long count;
    private double lastSecondFactor;

    /** @param capacityPerSecond requests per second the service handles without degrading */
    public Load(double capacityPerSecond) {
        this.capacityPerSecond = capacityPerSecond;
    }

    /** Counts one request at an event time. */
    void record(long timestamp) {
        long s = Math.floorDiv(timestamp, 1000);
        if (s != second) {
            lastSecondFactor = second == Long.MIN_VALUE ? 0 : count / capacityPerSecond;
            second = s;
            count = 0;
        }
        count++;
    }

    /** Whether a response fails with 503 because of overload: more likely the further past capacity. */
    boolean overloaded(java.util.SplittableRandom random) {
        return random.nextDouble() < Math.min(0.9, Math.max(0, (lastSecondFactor - 1) * 0.3));
    }

    /** A latency around {@code baseMs} that grows once load passes 70% of capacity. */
    int latency(java.util.SplittableRandom random, int baseMs) {
        return (int) (baseMs * (0.5 + random.nextDouble()) * (1 + 4 * Math.max(0, lastSecondFactor - 0.7)));
    }

    /** Load of the last complete second as a fraction of capacity (1.0 = at capacity). */
    public double factor() {
        return lastSecondFactor;
    }
}

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

    /** Load of the last complete second as a fraction of capacity (1.0 = at capacity). */
    public double factor() {
        return lastSecondFactor;
    }
}

package io.floodwatch.gateway.enforce;

/**
 * A token bucket refilled at a rate per second, holding at most one second of tokens (at least one): the way a
 * THROTTLE command's {@code rateLimitPerSecond} is enforced. Thread-safe.
 */
public final class TokenBucket {

    private final double ratePerMs;
    private final double capacity;
    private double tokens;
    private long last;

    /**
     * A full bucket.
     *
     * @param ratePerSecond tokens added per second
     * @param nowMs the current time in milliseconds
     */
    public TokenBucket(double ratePerSecond, long nowMs) {
        this.ratePerMs = ratePerSecond / 1000.0;
        this.capacity = Math.max(1, ratePerSecond);
        this.tokens = capacity;
        this.last = nowMs;
    }

    /** Takes one token if there is one at time {@code nowMs}; whether it could. */
    public synchronized boolean tryTake(long nowMs) {
        if (nowMs > last) {
            tokens = Math.min(capacity, tokens + (nowMs - last) * ratePerMs);
            last = nowMs;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

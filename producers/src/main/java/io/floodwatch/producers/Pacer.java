package io.floodwatch.producers;

import java.util.concurrent.TimeUnit;

/**
 * Paces a stream of events by their event time: at real time, each event is released when as much wall-clock
 * time has passed since the first one as event time has; at maximum speed, never waits.
 */
public final class Pacer {

    private final boolean realtime;
    private final double speedup;
    private long firstEventTime = Long.MIN_VALUE;
    private long firstWallTime;

    private Pacer(boolean realtime, double speedup) {
        this.realtime = realtime;
        this.speedup = speedup;
    }

    /** A pacer that never waits. */
    public static Pacer maxSpeed() {
        return new Pacer(false, 1);
    }

    /** A pacer at real time multiplied by {@code speedup} (1 = real time, 10 = ten times faster). */
    public static Pacer realtime(double speedup) {
        return new Pacer(true, speedup);
    }

    /**
     * A pacer from its text: {@code max}, {@code realtime} (or {@code recorded}), or a speed-up such as {@code 10x}.
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static Pacer of(String speed) {
        if ("max".equals(speed)) {
            return maxSpeed();
        }
        if ("realtime".equals(speed) || "recorded".equals(speed)) {
            return realtime(1);
        }
        if (speed.endsWith("x")) {
            try {
                double factor = Double.parseDouble(speed.substring(0, speed.length() - 1));
                if (factor > 0) {
                    return realtime(factor);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(message(speed), e);
            }
        }
        throw new IllegalArgumentException(message(speed));
    }

    private static String message(String speed) {
        return "--speed must be realtime, max or a speed-up such as 10x, not '" + speed + "'";
    }

    /** Waits until the event with this event time is due. */
    public void await(long eventTime) throws InterruptedException {
        if (!realtime) {
            return;
        }
        if (firstEventTime == Long.MIN_VALUE) {
            firstEventTime = eventTime;
            firstWallTime = System.nanoTime();
            return;
        }
        long dueNanos = firstWallTime + (long) ((eventTime - firstEventTime) * 1_000_000 / speedup);
        long wait = dueNanos - System.nanoTime();
        if (wait > 1_000_000) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}

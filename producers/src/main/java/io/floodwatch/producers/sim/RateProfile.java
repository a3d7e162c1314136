package io.floodwatch.producers.sim;

/**
 * Events per second of an actor as a function of event time; {@link #max()} bounds it (used for thinning).
 */
public interface RateProfile {

    /** Rate at an event time. */
    double rate(long timestamp);

    /** An upper bound of {@link #rate(long)} over the actor's lifetime. */
    double max();

    /** A constant rate. */
    static RateProfile constant(double perSecond) {
        return new RateProfile() {
            @Override
            public double rate(long timestamp) {
                return perSecond;
            }

            @Override
            public double max() {
                return perSecond;
            }
        };
    }

    /** A rate following the time of day: {@code peak} at 14:00 UTC+8, {@code peak * trough} at 02:00. */
    static RateProfile diurnal(double peak, double trough) {
        return new RateProfile() {
            @Override
            public double rate(long timestamp) {
                double hours = Math.floorMod(timestamp + 8 * 3_600_000L, 86_400_000L) / 3_600_000.0;
                double phase = Math.cos((hours - 14) / 24 * 2 * Math.PI);
                return peak * (trough + (1 - trough) * (phase + 1) / 2);
            }

            @Override
            public double max() {
                return peak;
            }
        };
    }

    /** A linear ramp from {@code from} to {@code to} over {@code rampMs} starting at {@code start}, then flat. */
    static RateProfile ramp(long start, long rampMs, double from, double to) {
        return new RateProfile() {
            @Override
            public double rate(long timestamp) {
                double progress = Math.min(1.0, Math.max(0.0, (timestamp - start) / (double) rampMs));
                return from + (to - from) * progress;
            }

            @Override
            public double max() {
                return Math.max(from, to);
            }
        };
    }

    /** Bursts at {@code perSecond} for {@code onMs}, silence for {@code offMs}, repeated from {@code start}. */
    static RateProfile pulsing(long start, long onMs, long offMs, double perSecond) {
        return new RateProfile() {
            @Override
            public double rate(long timestamp) {
                return Math.floorMod(timestamp - start, onMs + offMs) < onMs ? perSecond : 0;
            }

            @Override
            public double max() {
                return perSecond;
            }
        };
    }
}

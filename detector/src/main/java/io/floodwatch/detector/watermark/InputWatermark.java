package io.floodwatch.detector.watermark;

import java.util.function.BooleanSupplier;

/**
 * One input's progress in event time, as the task that reads it reports it: the latest event time read, advanced
 * with the wall clock once the input has been silent for {@code idleMs} (live, a silent input has simply nothing to
 * say; it must not hold back the watermark of the others, nor jump ahead of traffic that may still come). An input
 * that has had nothing at all since the task started is idle: it says nothing about event time.
 *
 * <p>Silence is counted only while the input is caught up ({@link InputLag}): a partition with records still to read
 * is behind, not silent, so its progress never runs ahead of its own backlog, however slowly the backlog is read.
 *
 * <p>Pure Java; {@link #observe} is called per record and only keeps a maximum.
 */
public final class InputWatermark {

    private final long idleMs;
    private final BooleanSupplier caughtUp;
    private long eventTime = Long.MIN_VALUE;
    private long lastInputAt;
    private boolean seen;

    /**
     * @param idleMs wall-clock silence after which the input's progress follows the wall clock
     * @param startedAt wall clock when the task started
     * @param caughtUp whether everything written to the input so far has been read
     */
    public InputWatermark(long idleMs, long startedAt, BooleanSupplier caughtUp) {
        this.idleMs = idleMs;
        this.caughtUp = caughtUp;
        this.lastInputAt = startedAt;
    }

    /** Takes one record's event time. */
    public void observe(long timestamp) {
        if (timestamp > eventTime) {
            eventTime = timestamp;
        }
        seen = true;
    }

    /** Whether any record has been read. */
    public boolean hasInput() {
        return eventTime != Long.MIN_VALUE;
    }

    /** Whether nothing has been read since the task started, for longer than the idle time while caught up. */
    public boolean idle(long now) {
        note(now);
        return eventTime == Long.MIN_VALUE && now - lastInputAt > idleMs;
    }

    /** The input's progress at wall-clock {@code now}: {@link Long#MIN_VALUE} if nothing was read. */
    public long watermark(long now) {
        note(now);
        if (eventTime == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long silentFor = now - lastInputAt - idleMs;
        return silentFor > 0 ? eventTime + silentFor : eventTime;
    }

    private void note(long now) {
        if (seen || !caughtUp.getAsBoolean()) {
            lastInputAt = now;
            seen = false;
        }
    }
}

package io.floodwatch.detector.watermark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The watermark of a task that merges the output of several upstream tasks: how far in event time every one of
 * them has got. Each upstream reports its own progress ({@code StreamProgress}, after the records it covers); the
 * watermark is the minimum over the upstreams that are active, so windows close on the slowest input's progress,
 * as Flink's watermarks do, not on the fastest task's.
 *
 * <ul>
 *   <li>An upstream that says it is idle (it has had no input for a while) does not hold the watermark back; when
 *       every upstream is idle the watermark is the furthest progress reported.</li>
 *   <li>An upstream that falls silent without saying so (its task is moving, its instance restarting) does hold it
 *       back, until {@code forgetAfterMs} of wall-clock time have passed (a task that no longer exists after a
 *       topology change, say).</li>
 *   <li>The watermark never goes back: a new upstream that reports less than the current watermark does not
 *       reopen closed windows (its older records are late, and counted as such).</li>
 * </ul>
 * Pure Java: processors feed it and persist {@link #entries()} in a store, so a restart resumes from the same
 * upstreams.
 */
public final class Watermarks {

    /** What is known of one upstream. */
    public record Upstream(long watermark, boolean idle, long heardAtWallClock) {
    }

    private final long forgetAfterMs;
    private final Map<String, Upstream> upstreams = new HashMap<>();
    private long current = Long.MIN_VALUE;

    /** @param forgetAfterMs wall-clock silence after which an upstream is forgotten */
    public Watermarks(long forgetAfterMs) {
        this.forgetAfterMs = forgetAfterMs;
    }

    /** Restores an upstream known before a restart; its silence is counted from {@code wallClock}. */
    public void restore(String upstream, long watermark, boolean idle, long wallClock) {
        upstreams.put(upstream, new Upstream(watermark, idle, wallClock));
        current = Math.max(current, computed());
    }

    /**
     * Takes one upstream's report.
     *
     * @return whether the watermark advanced
     */
    public boolean report(String upstream, long watermark, boolean idle, long wallClock) {
        Upstream previous = upstreams.get(upstream);
        long kept = previous == null ? watermark : Math.max(previous.watermark(), watermark);
        upstreams.put(upstream, new Upstream(kept, idle, wallClock));
        return advance();
    }

    /**
     * Forgets upstreams silent for longer than the configured time.
     *
     * @return the upstreams forgotten
     */
    public List<String> forgetSilent(long wallClock) {
        List<String> forgotten = new ArrayList<>();
        upstreams.entrySet().removeIf(entry -> {
            boolean silent = wallClock - entry.getValue().heardAtWallClock() > forgetAfterMs;
            if (silent) {
                forgotten.add(entry.getKey());
            }
            return silent;
        });
        if (!forgotten.isEmpty()) {
            advance();
        }
        return forgotten;
    }

    /** The watermark: {@link Long#MIN_VALUE} until an upstream has reported. */
    public long current() {
        return current;
    }

    /** Whether every known upstream is idle (and at least one is known). */
    public boolean allIdle() {
        return !upstreams.isEmpty() && upstreams.values().stream().allMatch(Upstream::idle);
    }

    /** The upstreams known, for persistence and views. */
    public Map<String, Upstream> entries() {
        return Map.copyOf(upstreams);
    }

    private boolean advance() {
        long next = computed();
        if (next > current) {
            current = next;
            return true;
        }
        return false;
    }

    private long computed() {
        long slowestActive = Long.MAX_VALUE;
        long furthest = Long.MIN_VALUE;
        for (Upstream upstream : upstreams.values()) {
            furthest = Math.max(furthest, upstream.watermark());
            if (!upstream.idle()) {
                slowestActive = Math.min(slowestActive, upstream.watermark());
            }
        }
        return slowestActive == Long.MAX_VALUE ? furthest : slowestActive;
    }
}

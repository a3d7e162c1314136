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
 *   <li>An upstream that says it is idle (it has had no input since it started) does not hold the watermark back;
 *       an upstream whose input fell silent keeps reporting, its progress following the wall clock
 *       ({@link InputWatermark}).</li>
 *   <li>An upstream that falls silent without saying so (its task is moving, its instance restarting) does hold it
 *       back, until {@code forgetAfterMs} of wall-clock time have passed (a task that no longer exists after a
 *       topology change, say).</li>
 *   <li>The watermark never goes back: a new upstream that reports less than the current watermark does not
 *       reopen closed windows (its older records are late, and counted as such).</li>
 *   <li>When the first upstream reports progress, the watermark waits {@code settleMs} (wall clock) for the
 *       upstreams that have had no input yet, unless all the expected upstreams have reported: tasks that start a
 *       moment apart on a backlog are not left behind.</li>
 *   <li>When the number of upstream tasks is known ({@code expected}), the watermark stays undefined until that many
 *       have reported, so that a task that starts late cannot find its windows closed by the others; upstreams
 *       restored from before a restart that stay silent while {@code expected} others report (ids of a previous
 *       topology) are ignored.</li>
 * </ul>
 * Pure Java: processors feed it and persist {@link #entries()} in a store, so a restart resumes from the same
 * upstreams.
 */
public final class Watermarks {

    /**
     * Progress is passed downstream when it has moved by at least this much (or an upstream's idleness changed): a
     * finer grain would only add records, since windows close a grace period after their end.
     */
    public static final long REPORT_STEP_MS = 1_000;

    /** Whether a watermark moved far enough from the one last sent to be worth sending. */
    public static boolean worthSending(long watermark, long sent) {
        return watermark != sent && (sent == Long.MIN_VALUE || watermark == Long.MIN_VALUE || watermark - sent >= REPORT_STEP_MS);
    }

    /** What is known of one upstream. */
    public record Upstream(long watermark, boolean idle, long heardAtWallClock, boolean heard) {
    }

    private final long forgetAfterMs;
    private final long settleMs;
    private final int expected;
    private long firstProgressAt = Long.MIN_VALUE;
    private boolean settled;
    private final Map<String, Upstream> upstreams = new HashMap<>();
    private long current = Long.MIN_VALUE;

    /**
     * @param settings how upstreams are forgotten and waited for
     * @param expected how many upstream tasks there are (0: unknown, each counts from its first report)
     */
    public Watermarks(WatermarkSettings settings, int expected) {
        this.forgetAfterMs = settings.forgetMs();
        this.settleMs = settings.settleMs();
        this.expected = expected;
    }

    /** Restores an upstream known before a restart; its silence is counted from {@code wallClock}. */
    public void restore(String upstream, long watermark, boolean idle, long wallClock) {
        upstreams.put(upstream, new Upstream(watermark, idle, wallClock, false));
        settled |= watermark != Long.MIN_VALUE;
        current = Math.max(current, computed(wallClock));
    }

    /**
     * Takes one upstream's report.
     *
     * @return whether the watermark advanced
     */
    public boolean report(String upstream, long watermark, boolean idle, long wallClock) {
        Upstream previous = upstreams.get(upstream);
        long kept = previous == null ? watermark : Math.max(previous.watermark(), watermark);
        upstreams.put(upstream, new Upstream(kept, idle, wallClock, true));
        return advance(wallClock);
    }

    /**
     * Forgets upstreams silent for longer than the configured time, but never so many that fewer than the expected
     * number remain.
     *
     * @return the upstreams forgotten
     */
    public List<String> forgetSilent(long wallClock) {
        List<String> forgotten = new ArrayList<>();
        List<Map.Entry<String, Upstream>> oldestFirst = new ArrayList<>(upstreams.entrySet());
        oldestFirst.sort(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(Upstream::heardAtWallClock)));
        for (Map.Entry<String, Upstream> entry : oldestFirst) {
            if (upstreams.size() <= expected || wallClock - entry.getValue().heardAtWallClock() <= forgetAfterMs) {
                break;
            }
            upstreams.remove(entry.getKey());
            forgotten.add(entry.getKey());
        }
        if (!forgotten.isEmpty()) {
            advance(wallClock);
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

    /**
     * Recomputes the watermark at wall-clock {@code wallClock}, for the end of the settling time.
     *
     * @return whether the watermark advanced
     */
    public boolean advance(long wallClock) {
        long next = computed(wallClock);
        if (next > current) {
            current = next;
            return true;
        }
        return false;
    }

    private long computed(long wallClock) {
        int heard = 0;
        boolean waiting = false;
        boolean progress = false;
        for (Upstream upstream : upstreams.values()) {
            heard += upstream.heard() ? 1 : 0;
            waiting |= upstream.watermark() == Long.MIN_VALUE;
            progress |= upstream.watermark() != Long.MIN_VALUE;
        }
        if (upstreams.size() < expected) {
            return Long.MIN_VALUE;
        }
        // once every expected upstream has reported, none can still turn up late: no need to wait
        if (!settled && progress && expected > 0 && heard >= expected) {
            settled = true;
        }
        if (!settled && progress) {
            if (firstProgressAt == Long.MIN_VALUE) {
                firstProgressAt = wallClock;
            }
            settled = !waiting || wallClock - firstProgressAt >= settleMs;
            if (!settled) {
                return Long.MIN_VALUE;
            }
        }
        boolean onlyHeard = expected > 0 && heard >= expected;
        long slowestActive = Long.MAX_VALUE;
        for (Upstream upstream : upstreams.values()) {
            if ((!onlyHeard || upstream.heard()) && !upstream.idle()) {
                slowestActive = Math.min(slowestActive, upstream.watermark());
            }
        }
        return slowestActive == Long.MAX_VALUE ? Long.MIN_VALUE : slowestActive;
    }
}

package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The updates of endpoint windows that are waiting for the watermark to be judged: for each, the event time and the
 * count of every update (at most {@value #MAX_UPDATES}), so that a window judged late is dated when its count first
 * passed the threshold, as it would have been live. Pure Java, in memory, bounded: windows are forgotten once judged.
 */
final class PendingWindows {

    static final int MAX_UPDATES = 256;

    private final Map<String, TreeMap<Long, List<long[]>>> byRoute = new HashMap<>();

    /** Notes one update of a window. */
    void update(String route, long windowStart, long timestamp, long requests) {
        List<long[]> updates = byRoute.computeIfAbsent(route, r -> new TreeMap<>()).computeIfAbsent(windowStart, w -> new ArrayList<>());
        if (updates.size() < MAX_UPDATES) {
            updates.add(new long[] {timestamp, requests});
        }
    }

    /**
     * When the window's count first passed {@code threshold}, or {@code otherwise} if no update known did; forgets the
     * window.
     */
    long crossedAt(String route, long windowStart, double threshold, long otherwise) {
        TreeMap<Long, List<long[]>> windows = byRoute.get(route);
        List<long[]> updates = windows == null ? null : windows.remove(windowStart);
        if (updates != null) {
            for (long[] update : updates) {
                if (update[1] > threshold) {
                    return update[0];
                }
            }
        }
        return otherwise;
    }

    /** Forgets windows starting before {@code windowStart} (judged, or closed without being judged). */
    void forgetBefore(long windowStart) {
        byRoute.values().removeIf(windows -> {
            windows.headMap(windowStart).clear();
            return windows.isEmpty();
        });
    }
}

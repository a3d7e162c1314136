package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.OpenWindow;
import io.floodwatch.schema.serde.FloodwatchSchemas;

/**
 * Learns a route's baseline from its closed windows: an exponentially weighted mean and variance of the
 * request count per window, and an exponentially weighted region mix. Pure logic over
 * {@link EndpointBaseline} values.
 *
 * <p>Updates of windows still open (stream time has not passed their end plus the grace period) are kept
 * apart, each with its latest count; a window is folded into the baseline only once it is closed, in window
 * order, so updates arriving out of order from different upstream tasks (a replay at full speed) are neither
 * lost nor learned twice. Rules compare an open window with a baseline that excludes it. Windows judged
 * anomalous are not learned, so an attack does not teach the baseline that attacks are normal. Windows
 * without traffic between two folded windows count as zeros (at most {@value #MAX_GAP_WINDOWS}).
 */
public final class BaselineModel {

    static final int MAX_GAP_WINDOWS = 60;
    static final int MAX_REGIONS = 32;
    static final double MIN_REGION_SHARE = 0.001;

    private final double alpha;
    private final long windowSizeMs;
    private final long graceMs;
    private final int maxOpenWindows;

    /**
     * @param alpha weight of the newest window
     * @param windowSizeMs window size
     * @param graceMs grace period of the windows
     */
    public BaselineModel(double alpha, long windowSizeMs, long graceMs) {
        FloodwatchSchemas.trustGeneratedClasses();
        this.alpha = alpha;
        this.windowSizeMs = windowSizeMs;
        this.graceMs = graceMs;
        this.maxOpenWindows = (int) (graceMs / windowSizeMs) + 3;
    }

    /**
     * Result of observing an update.
     *
     * @param baseline the new baseline
     * @param foldedWindows how many windows were closed and learned
     * @param stale whether the update was for a window already folded (and was ignored)
     */
    public record Observation(EndpointBaseline baseline, int foldedWindows, boolean stale) {
    }

    /** Observes an update of a route's windowed aggregate at the given stream time. */
    public Observation observe(EndpointBaseline current, EndpointRate rate, long streamTime) {
        EndpointBaseline baseline = current != null ? current : newBaseline(rate.getRoute());
        if (rate.getWindowStart() < baseline.getFoldedUntil()) {
            return new Observation(baseline, 0, true);
        }
        List<OpenWindow> open = new ArrayList<>(baseline.getOpen());
        OpenWindow window = find(open, rate.getWindowStart());
        if (window == null) {
            open.add(OpenWindow.newBuilder().setStart(rate.getWindowStart()).setRequests(rate.getRequests())
                .setRegionCounts(new HashMap<>(rate.getRegionCounts())).setAnomalous(false).build());
            open.sort(Comparator.comparingLong(OpenWindow::getStart));
        } else if (rate.getRequests() >= window.getRequests()) {
            window.setRequests(rate.getRequests());
            window.setRegionCounts(new HashMap<>(rate.getRegionCounts()));
        }
        EndpointBaseline.Builder builder = EndpointBaseline.newBuilder(baseline);
        int folded = 0;
        while (!open.isEmpty() && (open.get(0).getStart() + windowSizeMs + graceMs <= streamTime || open.size() > maxOpenWindows)) {
            fold(builder, open.remove(0));
            folded++;
        }
        builder.setOpen(open);
        return new Observation(builder.build(), folded, false);
    }

    /** The baseline with the given open window marked anomalous, so it will not be learned. */
    public EndpointBaseline markAnomalous(EndpointBaseline baseline, long windowStart) {
        List<OpenWindow> open = new ArrayList<>(baseline.getOpen());
        OpenWindow window = find(open, windowStart);
        if (window != null) {
            window.setAnomalous(true);
        }
        return EndpointBaseline.newBuilder(baseline).setOpen(open).build();
    }

    /** Standard deviation of the per-window request count. */
    public static double standardDeviation(EndpointBaseline baseline) {
        return Math.sqrt(Math.max(baseline.getVarianceRequests(), 0));
    }

    private void fold(EndpointBaseline.Builder baseline, OpenWindow window) {
        if (baseline.getWindows() > 0) {
            long gap = Math.min((window.getStart() - baseline.getFoldedUntil()) / windowSizeMs, MAX_GAP_WINDOWS);
            for (long i = 0; i < gap; i++) {
                learn(baseline, 0, Map.of());
            }
        }
        if (!window.getAnomalous()) {
            learn(baseline, window.getRequests(), window.getRegionCounts());
        }
        baseline.setFoldedUntil(window.getStart() + windowSizeMs);
    }

    private void learn(EndpointBaseline.Builder baseline, long requests, Map<String, Long> regionCounts) {
        if (baseline.getWindows() == 0) {
            baseline.setMeanRequests(requests).setVarianceRequests(0);
        } else {
            double diff = requests - baseline.getMeanRequests();
            double increment = alpha * diff;
            baseline.setMeanRequests(baseline.getMeanRequests() + increment);
            baseline.setVarianceRequests((1 - alpha) * (baseline.getVarianceRequests() + diff * increment));
        }
        if (requests > 0) {
            baseline.setRegionShares(foldShares(baseline.getRegionShares(), regionCounts, requests,
                baseline.getWindows() == 0 ? 1.0 : alpha));
        }
        baseline.setWindows(baseline.getWindows() + 1);
    }

    private static OpenWindow find(List<OpenWindow> open, long start) {
        for (OpenWindow window : open) {
            if (window.getStart() == start) {
                return window;
            }
        }
        return null;
    }

    private static Map<String, Double> foldShares(Map<String, Double> shares, Map<String, Long> counts, long total,
                                                  double weight) {
        Map<String, Double> next = new HashMap<>();
        shares.forEach((region, share) -> next.put(region, share * (1 - weight)));
        counts.forEach((region, count) -> next.merge(region, weight * count / total, Double::sum));
        List<Map.Entry<String, Double>> entries = new ArrayList<>(next.entrySet());
        entries.removeIf(e -> e.getValue() < MIN_REGION_SHARE);
        entries.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> kept = new HashMap<>();
        for (int i = 0; i < Math.min(MAX_REGIONS, entries.size()); i++) {
            kept.put(entries.get(i).getKey(), entries.get(i).getValue());
        }
        return kept;
    }

    private static EndpointBaseline newBaseline(String route) {
        return EndpointBaseline.newBuilder().setRoute(route).setWindows(0).setMeanRequests(0).setVarianceRequests(0)
            .setRegionShares(new HashMap<>()).setFoldedUntil(0).setOpen(new ArrayList<>()).build();
    }
}

package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;

/**
 * Learns a route's baseline from its completed windows: an exponentially weighted mean and variance of the
 * request count per window, and an exponentially weighted region mix. Pure logic over
 * {@link EndpointBaseline} values.
 *
 * <p>The open (current) window is tracked separately and folded in once a later window starts, so rules always
 * compare the open window with a baseline that excludes it. Windows judged anomalous are not folded in, so an
 * attack does not teach the baseline that attacks are normal. Windows with no traffic between two observed
 * windows are folded in as zeros (at most {@value #MAX_GAP_WINDOWS}).
 */
public final class BaselineModel {

    static final int MAX_GAP_WINDOWS = 60;
    static final int MAX_REGIONS = 32;
    static final double MIN_REGION_SHARE = 0.001;

    private final double alpha;
    private final long windowSizeMs;

    /**
     * @param alpha weight of the newest window
     * @param windowSizeMs window size
     */
    public BaselineModel(double alpha, long windowSizeMs) {
        this.alpha = alpha;
        this.windowSizeMs = windowSizeMs;
    }

    /** Result of observing an update: the new baseline and whether a window was completed. */
    public record Observation(EndpointBaseline baseline, boolean windowCompleted, boolean stale) {
    }

    /** Observes an update of a route's windowed aggregate. */
    public Observation observe(EndpointBaseline current, EndpointRate rate) {
        if (current == null) {
            return new Observation(open(newBaseline(rate.getRoute()), rate), false, false);
        }
        long openStart = current.getOpenWindowStart();
        if (rate.getWindowStart() < openStart) {
            return new Observation(current, false, true);
        }
        if (rate.getWindowStart() == openStart) {
            EndpointBaseline updated = EndpointBaseline.newBuilder(current)
                .setOpenRequests(Math.max(current.getOpenRequests(), rate.getRequests()))
                .setOpenRegionCounts(new HashMap<>(rate.getRegionCounts()))
                .build();
            return new Observation(updated, false, false);
        }
        EndpointBaseline.Builder folded = EndpointBaseline.newBuilder(current);
        if (!current.getOpenAnomalous()) {
            fold(folded, current.getOpenRequests(), current.getOpenRegionCounts());
            long gap = Math.min((rate.getWindowStart() - openStart) / windowSizeMs - 1, MAX_GAP_WINDOWS);
            for (long i = 0; i < gap; i++) {
                fold(folded, 0, Map.of());
            }
        }
        return new Observation(open(folded.build(), rate), true, false);
    }

    /** Marks the open window anomalous, so it will not be learned. */
    public EndpointBaseline markAnomalous(EndpointBaseline baseline) {
        return EndpointBaseline.newBuilder(baseline).setOpenAnomalous(true).build();
    }

    /** Standard deviation of the per-window request count. */
    public static double standardDeviation(EndpointBaseline baseline) {
        return Math.sqrt(Math.max(baseline.getVarianceRequests(), 0));
    }

    private void fold(EndpointBaseline.Builder baseline, long requests, Map<String, Long> regionCounts) {
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
            .setRegionShares(new HashMap<>()).setOpenWindowStart(0).setOpenRequests(0)
            .setOpenRegionCounts(new HashMap<>()).setOpenAnomalous(false).build();
    }

    private static EndpointBaseline open(EndpointBaseline baseline, EndpointRate rate) {
        return EndpointBaseline.newBuilder(baseline)
            .setOpenWindowStart(rate.getWindowStart())
            .setOpenRequests(rate.getRequests())
            .setOpenRegionCounts(new HashMap<>(rate.getRegionCounts()))
            .setOpenAnomalous(false)
            .build();
    }
}

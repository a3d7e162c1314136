package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.OpenWindow;
import io.floodwatch.schema.serde.FloodwatchSchemas;

/**
 * Learns a route's baseline from its closed windows: an exponentially weighted mean and variance of the
 * request count per window, the same mean for each hour of the day (so a surge that comes every day at nine is
 * expected), an exponentially weighted region mix, and exponentially weighted shares of the evidence the rules weigh
 * (4xx answers, scripted user agents, requests from heavy prefixes, requests from new sources). Pure logic over
 * {@link EndpointBaseline} values.
 *
 * <p>Updates of windows still open (the watermark has not passed their end plus the grace period) are kept
 * apart, each with its latest count; a window is folded into the baseline only once it is closed, in window
 * order, so updates arriving out of order from different upstream tasks (a replay at full speed) are neither
 * lost nor learned twice. Rules compare an open window with a baseline that excludes it. Windows judged an
 * attack are not learned, so an attack does not teach the baseline that attacks are normal; a flash crowd is
 * learned, since real users are the new normal. Windows without traffic between two folded windows count as zeros
 * (at most {@value #MAX_GAP_WINDOWS}). A baseline is warm once it has learned {@code warmupMs} of event time.
 */
public final class BaselineModel {

    static final int MAX_GAP_WINDOWS = 60;
    /**
     * Open windows kept beyond the grace period: upstream tasks catching up on a backlog can be far apart, and a
     * window is learned only once the slowest has passed it. Past this many (an hour of 10 s windows), the oldest
     * is learned early.
     */
    static final int MAX_DRIFT_WINDOWS = 360;
    static final int MAX_REGIONS = 32;
    static final double MIN_REGION_SHARE = 0.001;
    static final int HOURS = 24;
    private static final long HOUR_MS = 3_600_000L;

    private final double alpha;
    private final long windowSizeMs;
    private final long graceMs;
    private final int maxOpenWindows;
    private final long heavyPrefixRequests;
    private final double widerMinShare;
    private final int minWindows;
    private final long warmupWindows;

    /**
     * @param alpha weight of the newest window
     * @param windowSizeMs window size
     * @param graceMs grace period of the windows
     * @param heavyPrefixRequests requests in a window from one prefix from which the prefix is heavy
     * @param minWindows windows an hour of the day must have learned before its own mean is used
     * @param warmupMs event time a baseline must have learned to be warm
     * @param widerMinShare share of a window a wider prefix must carry, beyond its chosen narrower prefixes, to be
     *                      concentrated
     */
    public BaselineModel(double alpha, long windowSizeMs, long graceMs, long heavyPrefixRequests, int minWindows,
                         long warmupMs, double widerMinShare) {
        this.widerMinShare = widerMinShare;
        FloodwatchSchemas.trustGeneratedClasses();
        this.alpha = alpha;
        this.windowSizeMs = windowSizeMs;
        this.graceMs = graceMs;
        this.maxOpenWindows = (int) (graceMs / windowSizeMs) + 3 + MAX_DRIFT_WINDOWS;
        this.heavyPrefixRequests = heavyPrefixRequests;
        this.minWindows = minWindows;
        this.warmupWindows = (warmupMs + windowSizeMs - 1) / windowSizeMs;
    }

    /** The model the configuration describes. */
    public static BaselineModel from(FloodwatchConfig config) {
        return new BaselineModel(config.getDouble(FloodwatchConfig.BASELINE_ALPHA_CONFIG),
            config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG),
            config.getLong(FloodwatchConfig.WINDOW_GRACE_CONFIG),
            config.getLong(FloodwatchConfig.HEAVY_PREFIX_REQUESTS_CONFIG),
            config.getInt(FloodwatchConfig.BASELINE_MIN_WINDOWS_CONFIG),
            config.getLong(FloodwatchConfig.BASELINE_WARMUP_CONFIG),
            config.getDouble(FloodwatchConfig.WIDER_MIN_SHARE_CONFIG));
    }

    /** Whether a baseline has learned long enough for its verdicts to be enforced. */
    public boolean isWarm(EndpointBaseline baseline) {
        return baseline.getWindows() >= warmupWindows;
    }

    /**
     * Requests expected in the window starting at {@code windowStart}: the mean, or the mean of the same hour of
     * the day when that hour has learned enough windows and is busier.
     */
    public double expectedRequests(EndpointBaseline baseline, long windowStart) {
        int hour = hourOfDay(windowStart);
        if (baseline.getHourlyWindows().size() == HOURS && baseline.getHourlyWindows().get(hour) >= minWindows) {
            return Math.max(baseline.getMeanRequests(), baseline.getHourlyMeans().get(hour));
        }
        return baseline.getMeanRequests();
    }

    /** Requests of a window that came from heavy prefixes. */
    public long heavyPrefixRequests(EndpointRate rate) {
        long heavy = 0;
        for (long count : rate.getTopPrefixes().values()) {
            if (count >= heavyPrefixRequests) {
                heavy += count;
            }
        }
        return heavy;
    }

    /**
     * Requests from the wider prefixes that explain a window ({@link PrefixHierarchy}): blocks each carrying at least
     * the minimum share of the window, and the heavy-prefix count.
     */
    public long widerPrefixRequests(EndpointRate rate) {
        return PrefixHierarchy.explain(Map.of(), rate.getWiderPrefixes(), widerMinRequests(rate)).requests();
    }

    /** What a wider prefix must carry in a window, beyond the prefixes chosen inside it, to explain a share of it. */
    public long widerMinRequests(EndpointRate rate) {
        return Math.max(heavyPrefixRequests, (long) Math.ceil(widerMinShare * rate.getRequests()));
    }

    /** Whether a prefix's count in a window makes it heavy. */
    public boolean isHeavy(long prefixRequests) {
        return prefixRequests >= heavyPrefixRequests;
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

    /** Observes an update of a route's windowed aggregate at the given watermark. */
    public Observation observe(EndpointBaseline current, EndpointRate rate, long watermark) {
        EndpointBaseline baseline = current != null ? current : newBaseline(rate.getRoute());
        if (rate.getWindowStart() < baseline.getFoldedUntil()) {
            return new Observation(baseline, 0, true);
        }
        List<OpenWindow> open = new ArrayList<>(baseline.getOpen());
        OpenWindow window = find(open, rate.getWindowStart());
        if (window == null) {
            window = OpenWindow.newBuilder().setStart(rate.getWindowStart()).setRequests(-1)
                .setRegionCounts(new HashMap<>()).setAnomalous(false).build();
            open.add(window);
            open.sort(Comparator.comparingLong(OpenWindow::getStart));
        }
        if (rate.getRequests() >= window.getRequests()) {
            window.setRequests(rate.getRequests());
            window.setRegionCounts(new HashMap<>(rate.getRegionCounts()));
            window.setClientErrors(EndpointEvidence.failures(rate));
            window.setScriptedRequests(rate.getScriptedRequests());
            window.setHeavyPrefixRequests(heavyPrefixRequests(rate));
            window.setNewSourceRequests(rate.getNewSourceRequests());
            window.setWiderPrefixRequests(widerPrefixRequests(rate));
            window.setAccountRequests(rate.getAccountRequests());
        }
        return foldClosed(baseline, open, watermark);
    }

    /** The baseline with every open window the watermark has closed learned, in window order. */
    public Observation advance(EndpointBaseline baseline, long watermark) {
        return foldClosed(baseline, new ArrayList<>(baseline.getOpen()), watermark);
    }

    /** The window size. */
    public long windowSizeMs() {
        return windowSizeMs;
    }

    /**
     * How far ahead of the watermark a window may be and still be judged at once: live, the watermark is inside the
     * newest window, and the baseline has learned the windows up to a grace period before it; a window further ahead
     * (a backlog's fastest task) waits until the watermark comes this close, so it meets the same baseline.
     */
    public long judgingLagMs() {
        return windowSizeMs;
    }

    private Observation foldClosed(EndpointBaseline baseline, List<OpenWindow> open, long watermark) {
        EndpointBaseline.Builder builder = EndpointBaseline.newBuilder(baseline);
        int folded = 0;
        while (!open.isEmpty() && (open.get(0).getStart() + windowSizeMs + graceMs <= watermark || open.size() > maxOpenWindows)) {
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
                learnHour(baseline, baseline.getFoldedUntil() + i * windowSizeMs, 0);
            }
        }
        if (!window.getAnomalous()) {
            learn(baseline, window.getRequests(), window.getRegionCounts());
            learnEvidence(baseline, window);
            learnHour(baseline, window.getStart(), window.getRequests());
        }
        baseline.setFoldedUntil(window.getStart() + windowSizeMs);
    }

    private void learnEvidence(EndpointBaseline.Builder baseline, OpenWindow window) {
        double requests = window.getRequests();
        if (requests <= 0) {
            return;
        }
        double weight = baseline.getWindows() <= 1 ? 1.0 : alpha;
        baseline.setFailureShare(ewma(baseline.getFailureShare(), window.getClientErrors() / requests, weight));
        baseline.setScriptedShare(ewma(baseline.getScriptedShare(), window.getScriptedRequests() / requests, weight));
        baseline.setConcentration(ewma(baseline.getConcentration(), window.getHeavyPrefixRequests() / requests, weight));
        baseline.setNewSourceShare(ewma(baseline.getNewSourceShare(), window.getNewSourceRequests() / requests, weight));
        baseline.setWiderConcentration(ewma(baseline.getWiderConcentration(), window.getWiderPrefixRequests() / requests, weight));
        baseline.setAccountShare(ewma(baseline.getAccountShare(), window.getAccountRequests() / requests, weight));
    }

    private void learnHour(EndpointBaseline.Builder baseline, long windowStart, long requests) {
        List<Double> means = new ArrayList<>(baseline.getHourlyMeans());
        List<Long> counts = new ArrayList<>(baseline.getHourlyWindows());
        while (means.size() < HOURS) {
            means.add(0.0);
            counts.add(0L);
        }
        int hour = hourOfDay(windowStart);
        means.set(hour, counts.get(hour) == 0 ? requests : ewma(means.get(hour), requests, alpha));
        counts.set(hour, counts.get(hour) + 1);
        baseline.setHourlyMeans(means).setHourlyWindows(counts);
    }

    private static double ewma(double mean, double value, double weight) {
        return mean + weight * (value - mean);
    }

    private static int hourOfDay(long timestamp) {
        return (int) (Math.floorMod(timestamp, 24 * HOUR_MS) / HOUR_MS);
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
            .setRegionShares(new HashMap<>()).setFoldedUntil(0).setOpen(new ArrayList<>())
            .setHourlyMeans(new ArrayList<>()).setHourlyWindows(new ArrayList<>()).build();
    }
}

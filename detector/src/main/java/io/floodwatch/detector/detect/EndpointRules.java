package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rates.RouteClassifier;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;

/**
 * The baseline-relative endpoint rules, as pure functions of a route's baseline and its open window:
 * <ul>
 *   <li>{@value #REGISTRATION_RULE}: a registration route surging above its baseline with most of the surge from
 *       regions outside the usual mix → RESTRICT_REGISTRATION to the usual regions (login and every other route
 *       are left alone);</li>
 *   <li>{@value #SURGE_RULE}: any route far above its baseline (factor and 4 standard deviations) → THROTTLE the
 *       endpoint to its baseline rate times the configured headroom.</li>
 * </ul>
 * No rule acts before the route has {@code baseline.min.windows} completed windows.
 */
public final class EndpointRules {

    /** Id of the endpoint surge rule. */
    public static final String SURGE_RULE = "endpoint-surge";
    /** Id of the registration region-shift rule. */
    public static final String REGISTRATION_RULE = "registration-region-shift";

    private static final double SIGMAS = 4.0;

    private final RouteClassifier classifier;
    private final double windowSeconds;
    private final int minWindows;
    private final double surgeFactor;
    private final long surgeMinRequests;
    private final double throttleHeadroom;
    private final long surgeTtlMs;
    private final double registrationFactor;
    private final long registrationMinRequests;
    private final double foreignShare;
    private final double usualShare;
    private final long registrationTtlMs;

    /** Rules with thresholds from the configuration. */
    public EndpointRules(FloodwatchConfig config) {
        this.classifier = RouteClassifier.from(config);
        this.windowSeconds = config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG) / 1000.0;
        this.minWindows = config.getInt(FloodwatchConfig.BASELINE_MIN_WINDOWS_CONFIG);
        this.surgeFactor = config.getDouble(FloodwatchConfig.ENDPOINT_SURGE_FACTOR_CONFIG);
        this.surgeMinRequests = config.getLong(FloodwatchConfig.ENDPOINT_MIN_REQUESTS_CONFIG);
        this.throttleHeadroom = config.getDouble(FloodwatchConfig.ENDPOINT_THROTTLE_HEADROOM_CONFIG);
        this.surgeTtlMs = config.getLong(FloodwatchConfig.ENDPOINT_TTL_CONFIG);
        this.registrationFactor = config.getDouble(FloodwatchConfig.REGISTRATION_SURGE_FACTOR_CONFIG);
        this.registrationMinRequests = config.getLong(FloodwatchConfig.REGISTRATION_MIN_REQUESTS_CONFIG);
        this.foreignShare = config.getDouble(FloodwatchConfig.REGISTRATION_FOREIGN_SHARE_CONFIG);
        this.usualShare = config.getDouble(FloodwatchConfig.REGISTRATION_USUAL_SHARE_CONFIG);
        this.registrationTtlMs = config.getLong(FloodwatchConfig.REGISTRATION_TTL_CONFIG);
    }

    /**
     * Evaluates a route's open window against its baseline.
     *
     * @param baseline the baseline, excluding the open window
     * @param rate the open window's aggregate so far
     * @param detectedAt stream time
     */
    public Optional<MitigationCandidate> evaluate(EndpointBaseline baseline, EndpointRate rate, long detectedAt) {
        if (baseline.getWindows() < minWindows) {
            return Optional.empty();
        }
        String route = rate.getRoute();
        if (classifier.isRegistration(route)) {
            Optional<MitigationCandidate> restriction = registrationRegionShift(baseline, rate, detectedAt);
            if (restriction.isPresent()) {
                return restriction;
            }
        }
        return surge(baseline, rate, detectedAt);
    }

    private Optional<MitigationCandidate> registrationRegionShift(EndpointBaseline baseline, EndpointRate rate, long detectedAt) {
        long requests = rate.getRequests();
        double mean = baseline.getMeanRequests();
        if (requests < registrationMinRequests || requests <= registrationFactor * Math.max(mean, 1.0)) {
            return Optional.empty();
        }
        List<String> usual = new ArrayList<>();
        baseline.getRegionShares().forEach((region, share) -> {
            if (share >= usualShare && !"other".equals(region) && !"ZZ".equals(region)) {
                usual.add(region);
            }
        });
        if (usual.isEmpty()) {
            return Optional.empty();
        }
        usual.sort(null);
        long fromUsual = 0;
        for (String region : usual) {
            fromUsual += rate.getRegionCounts().getOrDefault(region, 0L);
        }
        double foreign = 1.0 - (double) fromUsual / requests;
        if (foreign < foreignShare) {
            return Optional.empty();
        }
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("requests", (double) requests);
        evidence.put("baselineMean", mean);
        evidence.put("surgeRatio", requests / Math.max(mean, 1.0));
        evidence.put("foreignShare", foreign);
        evidence.put("distinctSources", (double) rate.getDistinctSources());
        evidence.put("failureRatio", failureRatio(rate));
        String reason = String.format(Locale.ROOT,
            "registration surge %.1fx baseline, %.0f%% from regions outside the usual mix %s",
            requests / Math.max(mean, 1.0), foreign * 100, usual);
        return Optional.of(Candidates.of(REGISTRATION_RULE, MitigationAction.RESTRICT_REGISTRATION, MitigationScope.ENDPOINT,
            rate.getRoute(), usual, null, detectedAt, registrationTtlMs, reason, evidence));
    }

    private Optional<MitigationCandidate> surge(EndpointBaseline baseline, EndpointRate rate, long detectedAt) {
        long requests = rate.getRequests();
        double mean = baseline.getMeanRequests();
        double threshold = Math.max(surgeFactor * mean, mean + SIGMAS * BaselineModel.standardDeviation(baseline));
        if (requests < surgeMinRequests || requests <= threshold) {
            return Optional.empty();
        }
        double limit = Math.max(mean, surgeMinRequests / surgeFactor) * throttleHeadroom / windowSeconds;
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("requests", (double) requests);
        evidence.put("baselineMean", mean);
        evidence.put("baselineStdDev", BaselineModel.standardDeviation(baseline));
        evidence.put("surgeRatio", requests / Math.max(mean, 1.0));
        evidence.put("distinctSources", (double) rate.getDistinctSources());
        evidence.put("failureRatio", failureRatio(rate));
        String reason = String.format(Locale.ROOT, "endpoint at %.1fx its baseline (%d requests in the window, baseline %.1f)",
            requests / Math.max(mean, 1.0), requests, mean);
        return Optional.of(Candidates.of(SURGE_RULE, MitigationAction.THROTTLE, MitigationScope.ENDPOINT, rate.getRoute(),
            null, limit, detectedAt, surgeTtlMs, reason, evidence));
    }

    private static double failureRatio(EndpointRate rate) {
        return rate.getRequests() == 0 ? 0 : (double) (rate.getClientErrors() + rate.getServerErrors()) / rate.getRequests();
    }
}

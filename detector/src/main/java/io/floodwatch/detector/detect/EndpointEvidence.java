package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;

/**
 * Weighs the evidence that a surge on a route is an attack rather than real users, as a pure function of the
 * route's open window and its baseline. Each piece of evidence is the excess of a share in the window over the same
 * share in the baseline, between 0 and 1:
 * <ul>
 *   <li>{@code failureExcess}: answers 4xx other than 429 (failed logins, rejected registrations, probing; 429 is
 *       what enforcement itself answers, so a throttled crowd does not turn into attackers);</li>
 *   <li>{@code concentrationExcess}: requests from heavy prefixes (a botnet's addresses cluster, a crowd's do not),
 *       or, if that is larger, {@code widerConcentrationExcess}: requests from the wider blocks that each carry a
 *       large share of the window ({@link PrefixHierarchy}: a flood from fresh addresses inside one block);</li>
 *   <li>{@code scriptedExcess}: user agents of scripts and HTTP libraries;</li>
 *   <li>{@code newSourceExcess}: requests from sources not seen in the last days;</li>
 *   <li>{@code unauthenticatedExcess}: requests without an account, on a route whose real users carry one (a
 *       crowd of signed-in people stays signed in; a flood that looks like people but never logs in does not);</li>
 *   <li>{@code regionShiftExcess}: requests from regions outside the route's usual mix.</li>
 * </ul>
 * The score is their weighted sum, capped at 1. The weights favour what a crowd of people cannot fake by being
 * many: failing, clustering, scripting, and coming without the account the route's users carry. Moving regions and being new is what a viral launch looks like too, so
 * those weigh little and cannot make an attack alone.
 */
public final class EndpointEvidence {

    static final double FAILURE_WEIGHT = 0.35;
    static final double CONCENTRATION_WEIGHT = 0.35;
    static final double SCRIPTED_WEIGHT = 0.3;
    static final double NEW_SOURCE_WEIGHT = 0.1;
    static final double REGION_SHIFT_WEIGHT = 0.15;
    static final double UNAUTHENTICATED_WEIGHT = 0.5;

    /**
     * The weighed evidence.
     *
     * @param score weighted sum of the excesses, 0 to 1
     * @param evidence every figure, by name, for commands and anomalies
     * @param explanation the pieces of evidence that weighed, in words
     */
    public record Assessment(double score, Map<String, Double> evidence, String explanation) {
    }

    private final BaselineModel model;

    /** @param model the baseline model, which knows what makes a prefix heavy */
    public EndpointEvidence(BaselineModel model) {
        this.model = model;
    }

    /**
     * Weighs a surging window.
     *
     * @param baseline the route's baseline, excluding the window
     * @param rate the window so far
     * @param usualRegions the route's usual regions
     */
    public Assessment assess(EndpointBaseline baseline, EndpointRate rate, List<String> usualRegions) {
        double requests = Math.max(rate.getRequests(), 1);
        double failures = failures(rate) / requests;
        double concentration = model.heavyPrefixRequests(rate) / requests;
        double widerConcentration = model.widerPrefixRequests(rate) / requests;
        double scripted = rate.getScriptedRequests() / requests;
        double newSources = rate.getNewSourceRequests() / requests;
        double unauthenticated = 1 - Math.min(rate.getAccountRequests(), rate.getRequests()) / requests;
        double foreign = usualRegions.isEmpty() ? 0 : 1 - fromRegions(rate, usualRegions) / requests;
        double usualForeign = usualRegions.isEmpty() ? 0 : 1 - usualShare(baseline, usualRegions);

        Map<String, Double> evidence = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        double score = 0;
        score += weigh(evidence, reasons, "failure", failures, baseline.getFailureShare(), FAILURE_WEIGHT, "answered 4xx");
        score += Math.max(weigh(evidence, reasons, "concentration", concentration, baseline.getConcentration(),
                CONCENTRATION_WEIGHT, "from heavy prefixes"),
            weigh(evidence, reasons, "widerConcentration", widerConcentration, baseline.getWiderConcentration(),
                CONCENTRATION_WEIGHT, "from blocks wider than a prefix, each a large share of the window"));
        score += weigh(evidence, reasons, "scripted", scripted, baseline.getScriptedShare(), SCRIPTED_WEIGHT,
            "with scripted user agents");
        score += weigh(evidence, reasons, "newSource", newSources, baseline.getNewSourceShare(), NEW_SOURCE_WEIGHT,
            "from new sources");
        score += weigh(evidence, reasons, "unauthenticated", unauthenticated, 1 - Math.min(1, baseline.getAccountShare()),
            UNAUTHENTICATED_WEIGHT, "without an account");
        score += weigh(evidence, reasons, "regionShift", foreign, usualForeign, REGION_SHIFT_WEIGHT,
            "from outside the usual regions " + usualRegions);
        score = Math.min(1.0, score);
        evidence.put("score", score);
        evidence.put("distinctSources", (double) rate.getDistinctSources());
        String explanation = reasons.isEmpty() ? "no evidence of an attack" : String.join(", ", reasons);
        return new Assessment(score, evidence, explanation);
    }

    private static double weigh(Map<String, Double> evidence, List<String> reasons, String name, double share, double usual,
                                double weight, String words) {
        double excess = Math.max(0, Math.min(1, share - usual));
        evidence.put(name + "Share", share);
        evidence.put(name + "Usual", usual);
        if (excess * weight >= 0.05) {
            reasons.add(String.format(Locale.ROOT, "%.0f%% %s (usually %.0f%%)", share * 100, words, usual * 100));
        }
        return excess * weight;
    }

    /** Requests answered 4xx other than 429. */
    static long failures(EndpointRate rate) {
        return rate.getClientErrors() - rate.getRateLimited();
    }

    static double fromRegions(EndpointRate rate, List<String> regions) {
        double count = 0;
        for (String region : regions) {
            count += rate.getRegionCounts().getOrDefault(region, 0L);
        }
        return count;
    }

    private static double usualShare(EndpointBaseline baseline, List<String> regions) {
        double share = 0;
        for (String region : regions) {
            share += baseline.getRegionShares().getOrDefault(region, 0.0);
        }
        return Math.min(1, share);
    }
}

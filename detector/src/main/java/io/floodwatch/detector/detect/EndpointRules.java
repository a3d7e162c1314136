package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rules.Capacities;
import io.floodwatch.detector.rules.RouteClassifier;
import io.floodwatch.detector.rules.RuleIds;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;

/**
 * The baseline-relative endpoint rules, as pure functions of a route's baseline and its open window. A route
 * surges when its window count passes its expected count (the baseline, or the same hour's) times a factor and by
 * 4 standard deviations; {@link EndpointEvidence} then weighs whether the surge is an attack, and the verdict
 * decides the commands:
 * <ul>
 *   <li>{@code attack}: the narrowest commands that stop it. Every heavy prefix of the surge is BLOCKED
 *       ({@value #ATTACK_RULE}), unless it carries no more than twice what heavy prefixes usually carried, and so is
 *       the smallest wider block (IPv4 up to /16, IPv6 up to /32) that explains what they do not
 *       ({@link PrefixHierarchy}), its blast radius the share of the route's requests with an account it holds; a registration route whose surge comes mostly from outside the usual regions is
 *       restricted to the usual regions ({@value #REGISTRATION_RULE}); any other attacked route whose surge the heavy
 *       prefixes do not explain and which comes mostly from outside the usual regions is RESTRICT_REGIONed
 *       ({@value #REGION_RULE}): the usual regions untouched, the
 *       others held to a budget of what they usually send; failing those, a route whose surge lacks what its real
 *       users bring (an account, a browser or app) is restricted to clients that bring it
 *       ({@value #ACCOUNT_RULE}, {@value #SCRIPTED_RULE}); a route that is not attacked (login during a registration
 *       flood) is left alone;
 *       only if these explain less than half of the surge is the endpoint THROTTLED to its expected rate times the
 *       headroom ({@value #SURGE_RULE}), which the planner holds for a human when it would hit too much legitimate
 *       traffic.</li>
 *   <li>{@code overload}: real users above the route's configured capacity get a fair-share THROTTLE at the
 *       capacity ({@value #OVERLOAD_RULE}).</li>
 *   <li>{@code flash-crowd}: real users, within capacity: observed and reported, never acted on.</li>
 * </ul>
 * Hysteresis: for {@value #ATTACK_HOLD_WINDOWS} windows after an attack verdict, a surge is judged an attack from
 * {@value #CONTINUING_SCORE} of the attack score, and none of its windows is learned, so a borderline or pulsing
 * attack does not flip to "flash crowd", get learned into the baseline and have its commands lifted. No rule acts before the route has {@code baseline.min.windows}
 * completed windows; every verdict carries whether
 * the baseline is past its warm-up, and the planner makes commands of a cold baseline DRY_RUN.
 */
public final class EndpointRules {

    /** Id of the rule naming the heavy prefixes of an attack. */
    public static final String ATTACK_RULE = RuleIds.ENDPOINT_ATTACK;
    /** Id of the endpoint surge rule. */
    public static final String SURGE_RULE = RuleIds.ENDPOINT_SURGE;
    /** Id of the registration region-shift rule. */
    public static final String REGISTRATION_RULE = RuleIds.REGISTRATION_REGION_SHIFT;
    /** Id of the region-shift rule of other routes. */
    public static final String REGION_RULE = RuleIds.REGION_SHIFT;
    /** Id of the rule requiring an account on a route flooded without one. */
    public static final String ACCOUNT_RULE = RuleIds.ACCOUNT_REQUIRED;
    /** Id of the rule refusing scripted clients on a route flooded by them. */
    public static final String SCRIPTED_RULE = RuleIds.SCRIPTED_REFUSED;
    /** Id of the overload rule. */
    public static final String OVERLOAD_RULE = RuleIds.ENDPOINT_OVERLOAD;
    /** Id of the flash-crowd observation. */
    public static final String FLASH_CROWD_RULE = RuleIds.FLASH_CROWD;

    /** Verdicts. */
    public static final String ATTACK = "attack";
    /** Real users above capacity. */
    public static final String OVERLOAD = "overload";
    /** Real users within capacity. */
    public static final String FLASH_CROWD = "flash-crowd";

    private static final double SIGMAS = 4.0;
    /** Hysteresis: a route judged an attack stays under attack for this many windows, judged at a lower score. */
    static final int ATTACK_HOLD_WINDOWS = 3;
    static final double CONTINUING_SCORE = 0.75;
    private static final double EXPLAINED = 0.5;

    private final BaselineModel model;
    private final EndpointEvidence evidence;
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
    private final double regionForeignShare;
    private final long regionTtlMs;
    private final double attackScore;
    private final int prefixCommandsMax;
    private final long sourceTtlMs;
    private final Map<String, Double> capacities;

    /** Rules with thresholds from the configuration. */
    public EndpointRules(FloodwatchConfig config, BaselineModel model) {
        this.model = model;
        this.evidence = new EndpointEvidence(model);
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
        this.regionForeignShare = config.getDouble(FloodwatchConfig.REGION_FOREIGN_SHARE_CONFIG);
        this.regionTtlMs = config.getLong(FloodwatchConfig.REGION_TTL_CONFIG);
        this.attackScore = config.getDouble(FloodwatchConfig.ATTACK_SCORE_CONFIG);
        this.prefixCommandsMax = config.getInt(FloodwatchConfig.PREFIX_COMMANDS_MAX_CONFIG);
        this.sourceTtlMs = config.getLong(FloodwatchConfig.SOURCE_TTL_CONFIG);
        this.capacities = Capacities.parse(config.getList(FloodwatchConfig.CAPACITIES_CONFIG));
    }

    /**
     * Whether a route is still under attack at stream time {@code now}: judged one within the last
     * {@value #ATTACK_HOLD_WINDOWS} windows. Its windows are then neither learned nor judged by the full attack score.
     */
    public boolean underAttack(EndpointBaseline baseline, long now) {
        return baseline.getLastAttackAt() > 0 && now - baseline.getLastAttackAt() <= ATTACK_HOLD_WINDOWS * windowSeconds * 1000;
    }

    /** The baseline model the rules judge with. */
    public BaselineModel model() {
        return model;
    }

    /** The requests a window of this route must pass to surge, against this baseline. */
    public double surgeThreshold(EndpointBaseline baseline, String route, long windowStart) {
        boolean registration = classifier.isRegistration(route);
        double expected = model.expectedRequests(baseline, windowStart);
        double factor = registration ? registrationFactor : surgeFactor;
        long minRequests = registration ? registrationMinRequests : surgeMinRequests;
        return Math.max(minRequests - 1, Math.max(factor * Math.max(expected, 1.0),
            expected + SIGMAS * BaselineModel.standardDeviation(baseline)));
    }

    /**
     * Evaluates a route's open window against its baseline.
     *
     * @param baseline the baseline, excluding the open window
     * @param rate the open window's aggregate so far
     * @param detectedAt stream time
     * @return the candidates: commands for an attack or an overload, an observation for a flash crowd, or none
     */
    public List<MitigationCandidate> evaluate(EndpointBaseline baseline, EndpointRate rate, long detectedAt) {
        if (baseline.getWindows() < minWindows) {
            return List.of();
        }
        String route = rate.getRoute();
        boolean registration = classifier.isRegistration(route);
        long requests = rate.getRequests();
        double expected = model.expectedRequests(baseline, rate.getWindowStart());
        double factor = registration ? registrationFactor : surgeFactor;
        long minRequests = registration ? registrationMinRequests : surgeMinRequests;
        double threshold = Math.max(factor * Math.max(expected, 1.0), expected + SIGMAS * BaselineModel.standardDeviation(baseline));
        if (requests < minRequests || requests <= threshold) {
            return List.of();
        }
        List<String> usual = usualRegions(baseline);
        EndpointEvidence.Assessment assessment = evidence.assess(baseline, rate, usual);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("requests", (double) requests);
        figures.put("expectedRequests", expected);
        figures.put("baselineStdDev", BaselineModel.standardDeviation(baseline));
        figures.put("surgeRatio", requests / Math.max(expected, 1.0));
        figures.putAll(assessment.evidence());
        String surge = String.format(Locale.ROOT, "%s at %.1fx its expected rate (%d requests in the window, expected %.1f)",
            route, requests / Math.max(expected, 1.0), requests, expected);
        boolean warm = model.isWarm(baseline);
        List<MitigationCandidate> candidates;
        if (assessment.score() >= (underAttack(baseline, detectedAt) ? attackScore * CONTINUING_SCORE : attackScore)) {
            candidates = attack(baseline, rate, detectedAt, usual, expected, figures,
                surge + "; attack: " + assessment.explanation(), registration);
        } else {
            double capacity = capacities.getOrDefault(route, 0.0);
            if (capacity > 0 && requests / windowSeconds > capacity) {
                candidates = List.of(Candidates.of(OVERLOAD_RULE, MitigationAction.THROTTLE, MitigationScope.ENDPOINT, route,
                    null, capacity, detectedAt, surgeTtlMs, surge + String.format(Locale.ROOT,
                        "; overload: legitimate traffic above the capacity of %.0f/s (%s)", capacity, assessment.explanation()),
                    withCapacity(figures, capacity)));
                candidates.get(0).setVerdict(OVERLOAD);
            } else {
                MitigationCandidate observation = Candidates.of(FLASH_CROWD_RULE, MitigationAction.UNKNOWN,
                    MitigationScope.ENDPOINT, route, null, null, detectedAt, surgeTtlMs,
                    surge + "; flash crowd: " + assessment.explanation() + ", nothing to act on", figures);
                observation.setVerdict(FLASH_CROWD);
                candidates = List.of(observation);
            }
        }
        for (MitigationCandidate candidate : candidates) {
            candidate.setBaselineRelative(true);
            candidate.setWarm(warm);
        }
        return candidates;
    }

    private List<MitigationCandidate> attack(EndpointBaseline baseline, EndpointRate rate, long detectedAt, List<String> usual,
                                             double expected, Map<String, Double> figures, String reason,
                                             boolean registration) {
        List<MitigationCandidate> candidates = new ArrayList<>();
        long requests = rate.getRequests();
        double explained = 0;
        List<Map.Entry<String, Long>> heavy = new ArrayList<>();
        // a prefix that alone carries no more than twice what all heavy prefixes usually carried (a busy NAT of real
        // users) is left alone: it is part of the baseline, not of the surge
        double usualHeavy = 2 * baseline.getConcentration() * expected;
        rate.getTopPrefixes().forEach((prefix, count) -> {
            if (model.isHeavy(count) && count > usualHeavy) {
                heavy.add(Map.entry(prefix, count));
            }
        });
        heavy.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> named = new LinkedHashMap<>();
        heavy.subList(0, Math.min(prefixCommandsMax, heavy.size())).forEach(prefix -> named.put(prefix.getKey(), prefix.getValue()));
        // the smallest wider blocks that explain what the narrower prefixes do not (a flood from fresh addresses inside
        // one block), each standing for the named prefixes inside it; every narrower prefix that would pass the wider
        // threshold explains its own requests, as in hierarchical heavy hitters, so a block is never chosen for what
        // one ordinary prefix inside it sends
        long widerMin = Math.max(model.widerMinRequests(rate), (long) Math.ceil(2 * baseline.getWiderConcentration() * expected));
        Map<String, Long> narrower = new LinkedHashMap<>(named);
        rate.getTopPrefixes().forEach((prefix, count) -> {
            if (count >= widerMin) {
                narrower.putIfAbsent(prefix, count);
            }
        });
        PrefixHierarchy.Choice wider = PrefixHierarchy.explain(narrower, rate.getWiderPrefixes(), widerMin);
        for (Map.Entry<String, Long> prefix : named.entrySet()) {
            if (wider.covered().contains(prefix.getKey())) {
                continue;
            }
            explained += prefix.getValue();
            Map<String, Double> evidence = new LinkedHashMap<>(figures);
            evidence.put("prefixRequests", (double) prefix.getValue());
            candidates.add(Candidates.of(ATTACK_RULE, MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, prefix.getKey(),
                null, null, detectedAt, sourceTtlMs, String.format(Locale.ROOT, "%s sent %d requests to %s in the window; %s",
                    prefix.getKey(), prefix.getValue(), rate.getRoute(), reason), evidence));
        }
        for (PrefixHierarchy.Block block : wider.blocks().subList(0, Math.min(prefixCommandsMax, wider.blocks().size()))) {
            explained += block.requests();
            long accounts = rate.getWiderPrefixAccounts().getOrDefault(block.cidr(), 0L);
            Map<String, Double> evidence = new LinkedHashMap<>(figures);
            evidence.put("prefixRequests", (double) block.requests());
            evidence.put("prefixRequestsBeyondNarrower", (double) block.beyondNarrower());
            evidence.put("prefixAccountRequests", (double) accounts);
            MitigationCandidate command = Candidates.of(ATTACK_RULE, MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX,
                block.cidr(), null, null, detectedAt, sourceTtlMs, String.format(Locale.ROOT,
                    "%s sent %d requests to %s in the window (%.0f%% of it), spread so that no narrower prefix explains"
                        + " them; %s", block.cidr(), block.requests(), rate.getRoute(), 100.0 * block.requests() / requests,
                    reason), evidence);
            // what it would refuse of the route's known users: held for a human past the blast-radius cap
            command.setBlastRadius(Math.min(1.0, (double) accounts / Math.max(1, rate.getAccountRequests())));
            candidates.add(command);
        }
        // registrations are restricted whenever the surge is foreign (the DeepSeek answer); other routes only when the
        // heavy prefixes do not explain it, so that a flood answered by prefix blocks does not also hold the small
        // regions' real users to a budget
        boolean unexplained = explained < EXPLAINED * (requests - expected);
        if (!usual.isEmpty() && (registration || unexplained)) {
            double foreign = requests - EndpointEvidence.fromRegions(rate, usual);
            if (foreign / requests >= (registration ? foreignShare : regionForeignShare)) {
                explained = Math.max(explained, foreign);
                double usualTotal = 0;
                for (String region : usual) {
                    usualTotal += baseline.getRegionShares().getOrDefault(region, 0.0);
                }
                MitigationCandidate restriction = registration
                    ? Candidates.of(REGISTRATION_RULE, MitigationAction.RESTRICT_REGISTRATION, MitigationScope.ENDPOINT,
                        rate.getRoute(), usual, null, detectedAt, registrationTtlMs, String.format(Locale.ROOT,
                            "registrations restricted to the usual regions %s: %.0f%% come from elsewhere; %s", usual,
                            foreign / requests * 100, reason), figures)
                    : regionRestriction(rate, usual, 1 - usualTotal, expected, foreign, detectedAt, figures, reason);
                restriction.setBlastRadius(Math.max(0, 1 - usualTotal));
                candidates.add(restriction);
            }
        }
        // a route holds one command at a time: the clients' follow-through speaks only when the regions did not
        boolean restricted = candidates.stream().anyMatch(c -> c.getScope() == MitigationScope.ENDPOINT);
        if (!restricted && explained < EXPLAINED * (requests - expected)) {
            MitigationCandidate clients = clientRestriction(baseline, rate, expected, detectedAt, figures, reason);
            if (clients != null) {
                explained = Math.max(explained, clients.getEvidence().get("requestsRefused"));
                candidates.add(clients);
            }
        }
        if (explained < EXPLAINED * (requests - expected)) {
            double limit = Math.max(expected, surgeMinRequests / surgeFactor) * throttleHeadroom / windowSeconds;
            MitigationCandidate throttle = Candidates.of(SURGE_RULE, MitigationAction.THROTTLE, MitigationScope.ENDPOINT,
                rate.getRoute(), null, limit, detectedAt, surgeTtlMs,
                "the attack is too spread out to name its sources; " + reason, figures);
            throttle.setBlastRadius(Math.max(0, 1 - limit * windowSeconds / requests));
            candidates.add(throttle);
        }
        return candidates;
    }

    /**
     * What the surge's clients fail to do that the route's real users do, when that explains at least half of it: a
     * route whose real users carry an account (chat completions) flooded without one gets REQUIRE_ACCOUNT
     * ({@value #ACCOUNT_RULE}); a route whose real users come with browsers and apps (registrations) flooded by
     * scripts gets REFUSE_SCRIPTED ({@value #SCRIPTED_RULE}). The larger excess is chosen; its blast radius is the
     * share of the route's usual traffic that lacks it (what the command would refuse of real users).
     */
    private MitigationCandidate clientRestriction(EndpointBaseline baseline, EndpointRate rate, double expected, long detectedAt,
                                                  Map<String, Double> figures, String reason) {
        long requests = rate.getRequests();
        double surge = requests - expected;
        double anonymous = requests - rate.getAccountRequests();
        double usualAnonymous = Math.max(0, 1 - baseline.getAccountShare());
        // what the window lacks beyond the route's usual share of it: a route that is anonymous as a rule (login,
        // registration) has no excess without an account, however much it surges
        double anonymousExcess = anonymous - usualAnonymous * requests;
        double scriptedExcess = rate.getScriptedRequests() - baseline.getScriptedShare() * requests;
        boolean account = anonymousExcess >= scriptedExcess;
        double excess = account ? anonymousExcess : scriptedExcess;
        if (excess < EXPLAINED * surge) {
            return null;
        }
        Map<String, Double> evidence = new LinkedHashMap<>(figures);
        evidence.put("requestsRefused", account ? anonymous : (double) rate.getScriptedRequests());
        MitigationCandidate restriction = account
            ? Candidates.of(ACCOUNT_RULE, MitigationAction.REQUIRE_ACCOUNT, MitigationScope.ENDPOINT, rate.getRoute(), null,
                null, detectedAt, regionTtlMs, String.format(Locale.ROOT, "%s requires an account: %.0f%% of the window came"
                    + " without one, against %.0f%% usually; %s", rate.getRoute(), anonymous / requests * 100,
                    usualAnonymous * 100, reason), evidence)
            : Candidates.of(SCRIPTED_RULE, MitigationAction.REFUSE_SCRIPTED, MitigationScope.ENDPOINT, rate.getRoute(), null,
                null, detectedAt, regionTtlMs, String.format(Locale.ROOT, "%s refuses scripted clients: %.0f%% of the window"
                    + " came from scripts and HTTP libraries, against %.0f%% usually; %s", rate.getRoute(),
                    100.0 * rate.getScriptedRequests() / requests, baseline.getScriptedShare() * 100, reason), evidence);
        restriction.setBlastRadius(account ? usualAnonymous : baseline.getScriptedShare());
        return restriction;
    }

    /**
     * A route attacked mostly from outside its usual regions (say, low-and-slow credential stuffing on login): the
     * usual regions go through untouched, the others share a budget of what they usually send times the headroom,
     * so their real users keep a way in while the attack is cut to that budget.
     */
    private MitigationCandidate regionRestriction(EndpointRate rate, List<String> usual, double otherShare, double expected,
                                                  double foreign, long detectedAt, Map<String, Double> figures, String reason) {
        double budget = Math.max(1.0, Math.max(0, otherShare) * expected * throttleHeadroom / windowSeconds);
        Map<String, Double> evidence = new LinkedHashMap<>(figures);
        evidence.put("otherRegionsRequests", foreign);
        evidence.put("otherRegionsBudgetPerSecond", budget);
        return Candidates.of(REGION_RULE, MitigationAction.RESTRICT_REGION, MitigationScope.ENDPOINT, rate.getRoute(), usual,
            budget, detectedAt, regionTtlMs, String.format(Locale.ROOT,
                "%s restricted to the usual regions %s, other regions held to %.1f requests/s in all: %.0f%% of the window"
                    + " comes from elsewhere; %s", rate.getRoute(), usual, budget, foreign / rate.getRequests() * 100, reason),
            evidence);
    }

    private List<String> usualRegions(EndpointBaseline baseline) {
        List<String> usual = new ArrayList<>();
        baseline.getRegionShares().forEach((region, share) -> {
            if (share >= usualShare && !"other".equals(region) && !"ZZ".equals(region)) {
                usual.add(region);
            }
        });
        usual.sort(null);
        return usual;
    }

    private static Map<String, Double> withCapacity(Map<String, Double> figures, double capacity) {
        Map<String, Double> evidence = new LinkedHashMap<>(figures);
        evidence.put("capacityPerSecond", capacity);
        return evidence;
    }
}

package io.floodwatch.detector.detect;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rules.RuleIds;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.SourceRate;

/**
 * The per-source rules, active from the first window (they need no baseline, so a detector started in the middle of
 * an attack acts on what is plainly abnormal):
 * <ul>
 *   <li>{@value #RULE}: a source IP or prefix whose window count exceeds its throttle rate is THROTTLED to that
 *       rate; past its block rate it is BLOCKED;</li>
 *   <li>{@value #RELATIVE_RULE}: a source IP whose requests without an account, in a window, are many times what the
 *       ordinary source of the same window sends (a quantile of the population's per-source counts, from a bounded
 *       sample), and above an absolute floor, is THROTTLED, or BLOCKED past the block multiple. Requests with an
 *       account are left to the absolute limits: an API customer is known, a bot in an access log is not;</li>
 *   <li>{@value #FAILURE_RULE}: a source IP or prefix whose 4xx answers (429 aside) in a window exceed its failure
 *       rate, and make up at least the failure ratio of its requests, is BLOCKED: credential stuffing, probing and
 *       scripted sign-ups fail far more than people do, however slowly they go.</li>
 * </ul>
 * A shared address, one with many distinct accounts or human agents behind its successful requests (a carrier-grade
 * NAT, a proxy), is never blocked: its volume limits scale with the identities behind it, and what it would be
 * blocked for is throttled instead, so the people behind it keep a share. Its requests are taken off its prefix's
 * volume too, so a carrier's pool of NAT addresses does not get its /24 blocked.
 */
public final class SourceRateLimits {

    /** Id of the rule. */
    public static final String RULE = RuleIds.SOURCE_RATE_LIMIT;
    /** Id of the relative rule. */
    public static final String RELATIVE_RULE = RuleIds.SOURCE_RELATIVE;
    /** Id of the failure rule. */
    public static final String FAILURE_RULE = RuleIds.SOURCE_FAILURES;

    private final double windowSeconds;
    private final double ipThrottle;
    private final double ipBlock;
    private final double prefixThrottle;
    private final double prefixBlock;
    private final long ttlMs;
    private final double ipFailures;
    private final double prefixFailures;
    private final double failureRatio;
    private final double quantile;
    private final double relativeThrottleMultiple;
    private final double relativeBlockMultiple;
    private final double relativeBudgetMultiple;
    private final double relativeThrottleMin;
    private final double relativeBlockMin;
    private final int relativeMinSources;
    private final int sharedMinIdentities;
    private final double perIdentity;

    /** Limits from the configuration. */
    public SourceRateLimits(FloodwatchConfig config) {
        this.windowSeconds = config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG) / 1000.0;
        this.ipThrottle = config.getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG);
        this.ipBlock = config.getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG);
        this.prefixThrottle = config.getDouble(FloodwatchConfig.PREFIX_THROTTLE_RATE_CONFIG);
        this.prefixBlock = config.getDouble(FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG);
        this.ttlMs = config.getLong(FloodwatchConfig.SOURCE_TTL_CONFIG);
        this.ipFailures = config.getDouble(FloodwatchConfig.IP_FAILURE_RATE_CONFIG);
        this.prefixFailures = config.getDouble(FloodwatchConfig.PREFIX_FAILURE_RATE_CONFIG);
        this.failureRatio = config.getDouble(FloodwatchConfig.FAILURE_RATIO_CONFIG);
        this.quantile = config.getDouble(FloodwatchConfig.RELATIVE_QUANTILE_CONFIG);
        this.relativeThrottleMultiple = config.getDouble(FloodwatchConfig.RELATIVE_THROTTLE_MULTIPLE_CONFIG);
        this.relativeBlockMultiple = config.getDouble(FloodwatchConfig.RELATIVE_BLOCK_MULTIPLE_CONFIG);
        this.relativeBudgetMultiple = config.getDouble(FloodwatchConfig.RELATIVE_BUDGET_MULTIPLE_CONFIG);
        this.relativeThrottleMin = config.getDouble(FloodwatchConfig.RELATIVE_THROTTLE_MIN_CONFIG);
        this.relativeBlockMin = config.getDouble(FloodwatchConfig.RELATIVE_BLOCK_MIN_CONFIG);
        this.relativeMinSources = config.getInt(FloodwatchConfig.RELATIVE_MIN_SOURCES_CONFIG);
        this.sharedMinIdentities = config.getInt(FloodwatchConfig.SHARED_MIN_IDENTITIES_CONFIG);
        this.perIdentity = config.getDouble(FloodwatchConfig.SHARED_PER_IDENTITY_CONFIG);
    }

    /** The command a source's window counts call for, if any: the strongest any rule asks for. */
    public Optional<MitigationCandidate> evaluate(SourceRate rate, long detectedAt) {
        boolean shared = rate.getScope() == MitigationScope.SOURCE_IP && rate.getIdentities() >= sharedMinIdentities;
        Optional<MitigationCandidate> strongest = Stream.of(volume(rate, shared, detectedAt), relative(rate, shared, detectedAt),
                failures(rate, shared, detectedAt))
            .flatMap(Optional::stream)
            .min((a, b) -> Double.compare(strictness(a), strictness(b)));
        strongest.ifPresent(candidate -> candidate.setShared(shared));
        return strongest;
    }

    /** Lower is stricter: a block, then the throttle with the lowest rate. */
    private static double strictness(MitigationCandidate candidate) {
        return candidate.getAction() == MitigationAction.BLOCK ? -1 : candidate.getRateLimitPerSecond();
    }

    /** What a shared address is allowed per second: a budget per identity behind it. */
    private double sharedBudget(SourceRate rate) {
        return perIdentity * rate.getIdentities();
    }

    private Optional<MitigationCandidate> failures(SourceRate rate, boolean shared, long detectedAt) {
        boolean prefix = rate.getScope() == MitigationScope.SOURCE_PREFIX;
        double limit = prefix ? prefixFailures : ipFailures;
        double perSecond = rate.getFailures() / windowSeconds;
        double ratio = rate.getRequests() == 0 ? 0 : (double) rate.getFailures() / rate.getRequests();
        if (perSecond <= limit || ratio < failureRatio) {
            return Optional.empty();
        }
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("requests", (double) rate.getRequests());
        evidence.put("failures", (double) rate.getFailures());
        evidence.put("failureRatio", ratio);
        evidence.put("failuresPerSecond", perSecond);
        evidence.put("limitPerSecond", limit);
        String reason = String.format(Locale.ROOT, "%s had %d of %d requests answered 4xx (%.0f%%) over %.0f s: %.2f failures/s,"
            + " above its limit of %.2f/s", prefix ? "prefix" : "source", rate.getFailures(), rate.getRequests(), ratio * 100,
            windowSeconds, perSecond, limit);
        if (shared) {
            return Optional.of(sharedThrottle(FAILURE_RULE, rate, detectedAt, reason, evidence));
        }
        return Optional.of(Candidates.of(FAILURE_RULE, MitigationAction.BLOCK, rate.getScope(), rate.getSource(), null, null,
            detectedAt, ttlMs, reason, evidence));
    }

    private Optional<MitigationCandidate> volume(SourceRate rate, boolean shared, long detectedAt) {
        boolean prefix = rate.getScope() == MitigationScope.SOURCE_PREFIX;
        double throttle = shared ? Math.max(ipThrottle, sharedBudget(rate)) : prefix ? prefixThrottle : ipThrottle;
        double block = prefix ? prefixBlock : ipBlock;
        // the shared addresses of a prefix are judged on their own, by the people behind them
        long requests = rate.getRequests() - (prefix ? rate.getSharedRequests() : 0);
        double perSecond = requests / windowSeconds;
        if (perSecond <= throttle) {
            return Optional.empty();
        }
        boolean blocking = !shared && perSecond > block;
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("requests", (double) requests);
        if (rate.getSharedRequests() > 0) {
            evidence.put("sharedAddressRequests", (double) rate.getSharedRequests());
        }
        evidence.put("requestsPerSecond", perSecond);
        evidence.put("limitPerSecond", blocking ? block : throttle);
        if (shared) {
            evidence.put("identities", (double) rate.getIdentities());
        }
        String reason = String.format(Locale.ROOT, "%s sent %.1f requests/s over %.0f s, above its %s limit of %.1f/s%s",
            prefix ? "prefix" : "source", perSecond, windowSeconds, blocking ? "block" : "throttle", blocking ? block : throttle,
            shared ? sharedNote(rate) : "");
        return Optional.of(Candidates.of(RULE, blocking ? MitigationAction.BLOCK : MitigationAction.THROTTLE, rate.getScope(),
            rate.getSource(), null, blocking ? null : throttle, detectedAt, ttlMs, reason, evidence));
    }

    private Optional<MitigationCandidate> relative(SourceRate rate, boolean shared, long detectedAt) {
        if (rate.getScope() != MitigationScope.SOURCE_IP || rate.getPopulationSources() < relativeMinSources) {
            return Optional.empty();
        }
        double typical = rate.getPopulationCount();
        double throttleCount = Math.max(relativeThrottleMin * windowSeconds, relativeThrottleMultiple * typical);
        if (shared) {
            throttleCount = Math.max(throttleCount, sharedBudget(rate) * windowSeconds);
        }
        double blockCount = Math.max(relativeBlockMin * windowSeconds, relativeBlockMultiple * typical);
        long anonymous = rate.getAnonymous();
        if (anonymous <= throttleCount) {
            return Optional.empty();
        }
        boolean blocking = !shared && anonymous > blockCount;
        double limitCount = blocking ? blockCount : throttleCount;
        // a throttled source may send what people send (a shared address: what the people behind it send)
        double budgetCount = Math.max(1, relativeBudgetMultiple * typical);
        if (shared) {
            budgetCount = Math.max(budgetCount, sharedBudget(rate) * windowSeconds);
        }
        double budget = budgetCount / windowSeconds;
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("requests", (double) rate.getRequests());
        evidence.put("anonymousRequests", (double) anonymous);
        evidence.put("typicalRequests", typical);
        evidence.put("populationSources", (double) rate.getPopulationSources());
        evidence.put("limitPerSecond", limitCount / windowSeconds);
        if (!blocking) {
            evidence.put("budgetPerSecond", budget);
        }
        String times = typical > 0 ? String.format(Locale.ROOT, "%.0f times", anonymous / typical) : "far more than";
        String reason = String.format(Locale.ROOT, "source sent %d requests without an account over %.0f s, %s what the"
                + " ordinary source sent (%.1f, the %.0f%% quantile of about %d sources), above its relative %s limit of %.1f/s%s",
            anonymous, windowSeconds, times, typical, quantile * 100, rate.getPopulationSources(),
            blocking ? "block" : "throttle", limitCount / windowSeconds, shared ? sharedNote(rate) : "")
            + (blocking ? "" : String.format(Locale.ROOT, "; throttled to %.2f/s, %.0f times what the ordinary source sends",
                budget, relativeBudgetMultiple));
        return Optional.of(Candidates.of(RELATIVE_RULE, blocking ? MitigationAction.BLOCK : MitigationAction.THROTTLE,
            rate.getScope(), rate.getSource(), null, blocking ? null : budget, detectedAt, ttlMs, reason, evidence));
    }

    private MitigationCandidate sharedThrottle(String rule, SourceRate rate, long detectedAt, String reason,
                                               Map<String, Double> evidence) {
        double limit = Math.max(ipThrottle, sharedBudget(rate));
        evidence.put("identities", (double) rate.getIdentities());
        evidence.put("sharedLimitPerSecond", limit);
        return Candidates.of(rule, MitigationAction.THROTTLE, rate.getScope(), rate.getSource(), null, limit, detectedAt, ttlMs,
            reason + sharedNote(rate) + ", so it is throttled to " + String.format(Locale.ROOT, "%.1f/s", limit)
                + " rather than blocked", evidence);
    }

    private static String sharedNote(SourceRate rate) {
        return "; the address is shared by about " + rate.getIdentities() + " accounts or agents (NAT or proxy)";
    }
}
